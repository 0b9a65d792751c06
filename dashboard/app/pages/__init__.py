"""The pages of the app, one module each: inputs from the URL and widgets, compute through the
cache seam, render. They hold no calculations and no text builders of their own.

May import: ``indicators`` and every other part of ``dashboard``.
"""
