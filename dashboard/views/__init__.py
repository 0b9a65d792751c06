"""Views: what a page, chart or slide shows, as plain data computed from the analytics.

Headline cards, challenge-area summaries, the explorer's series tables and the published
series that stand for a group. Pure functions of a snapshot and the catalogue, no plotly.

May import: ``indicators`` (any stage) and the shared base (``dashboard.theme``,
``dashboard.formatting``).
"""
