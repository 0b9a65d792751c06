"""Analytics: pure functions of a snapshot and the catalogue, returning tables with provenance.

Progress since a baseline, pace towards targets and target status, groups and their aggregates
(World Bank rule, with coverage), gender and breakdown gaps, the income divide and people
offline, affordability. Every function takes ``(snapshot, catalogue, **options)`` or plain
tables, never reads files and never mutates its inputs.

May import: the foundation (``indicators.errors``, ``.schema``, ``.catalogue``, ``.rules``) and
``indicators.store`` (for the `Snapshot` type).
"""
