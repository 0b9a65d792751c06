"""Deck: the opening presentation as PowerPoint, PDF and a zip of its charts.

``story`` declares the slides, ``prepare`` computes a deck once (charts, claims, notes),
``layout`` holds the slide geometry, ``powerpoint`` and ``pdf`` write it, ``pack`` zips every
chart with its data.

May import: ``indicators`` (any stage), the shared base (``dashboard.theme``,
``dashboard.formatting``), ``dashboard.views``, ``dashboard.figures`` and ``dashboard.exports``.
"""
