"""Figures: plotly figure builders, each returning a `Chart` with exactly the data it draws.

``chart`` holds the anatomy every figure shares (title, subtitle, source line, notes, modes),
``plotly_text`` the escaping of data text; one module per page or topic builds its figures.

May import: ``indicators`` (any stage), the shared base (``dashboard.theme``,
``dashboard.formatting``) and ``dashboard.views``.
"""
