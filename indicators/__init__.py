"""Indicators: the catalogue, source loaders, the snapshot store and the analytics of WSIS+20."""

__version__ = "0.1.0"
