"""Narrative: what the figures say in words, with the evidence and sources behind each sentence.

``claims`` checks the briefing note's statements (declared in ``claims.yaml``) against the
snapshot; ``talking_points`` writes short sentences per challenge area for speakers.

May import: the foundation (``indicators.errors``, ``.schema``, ``.catalogue``, ``.rules``),
``indicators.store`` and ``indicators.analytics``.
"""
