"""Dashboard: everything people see of the WSIS+20 figures, on screen, in files and on slides.

Data moves through the subpackages in this order:

1. ``views``   what a page or slide shows, as data: headline cards, area summaries, series;
2. ``figures`` plotly figure builders, each returning a `Chart` whose data is what it draws;
3. ``exports`` a chart as file bytes (PNG, SVG, PDF, CSV, HTML) and the image renderer;
4. ``deck``    the opening presentation: story, preparation, layout, PowerPoint, PDF, pack;
5. ``app``     the Streamlit app: cache seam, URL state, shell, sidebar, page registry, pages.

``theme`` (palette, fonts, plotly templates) and ``formatting`` (values, changes, head counts
and names in words) are the shared base at this level.

May import: ``indicators`` (any stage). Each subpackage imports only the ones before it; only
``app`` imports ``streamlit``.
"""
