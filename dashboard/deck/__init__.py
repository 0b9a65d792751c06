"""Deck: the opening presentation as PowerPoint, PDF and a zip of its charts.

``story.yaml`` declares the deck as the briefing note orders it and ``story`` reads it (with the
chart slides and their takeaways); ``prepare`` computes a deck once (figures, evidence, claims,
notes); ``native`` describes a chart as PowerPoint draws it; ``layout`` and ``pages`` lay the
deck out as numbered pages; ``powerpoint`` and ``pdf`` write it, ``pack`` zips every chart and
table with its data, ``preview`` draws the Presentation page's thumbnails.

May import: ``indicators`` (any stage), the shared base (``dashboard.theme``,
``dashboard.formatting``), ``dashboard.views``, ``dashboard.figures`` and ``dashboard.exports``.
"""
