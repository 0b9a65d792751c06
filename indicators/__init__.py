"""Indicators: the data side of the WSIS+20 dashboard, from raw files to checked sentences.

Data moves through the subpackages in this order:

1. ``sources``   loaders, one per file format (and the live World Bank API), with the raw-file
                 declarations (``sources/sources.yaml``) and one registry of loaders;
2. ``store``     the versioned snapshot: build from raw files, refresh from the API, load, verify;
3. ``analytics`` pure functions of a snapshot: progress, pace, targets, groups, aggregates,
                 gaps, divides, affordability, provenance;
4. ``narrative`` the briefing note's claims checked and talking points, in words.

The modules at this level are the foundation every stage shares: ``errors``, ``schema`` (the
tidy observation table), ``catalogue`` (challenge areas, indicators, targets, declared in
``catalogue.yaml``) and ``rules`` (domain rules written once).

May import: only the standard library and third-party packages (the foundation modules import
one another). Nothing in ``indicators`` imports ``dashboard`` or ``streamlit``.
"""

__version__ = "0.1.0"
