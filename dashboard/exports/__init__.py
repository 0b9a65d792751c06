"""Exports: a chart as file bytes (PNG, SVG, PDF, CSV, HTML), laid out on a copy for its size.

``renderer`` owns the process's image browser (kaleido driving Debian chromium, closed when
idle), ``text_metrics`` measures text in the project font, ``chart_files`` lays out and writes
each format, ``files`` writes output files without ever replacing what it must not, and
``page_files`` names and writes the files of the `charts` command.

May import: ``indicators`` (any stage), the shared base (``dashboard.theme``,
``dashboard.formatting``) and ``dashboard.figures``.
"""
