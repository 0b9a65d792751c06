"""Dashboard: pages, figure builders, theme and exports of the WSIS+20 dashboard."""
