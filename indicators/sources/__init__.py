"""Sources: loaders that turn each raw file format, or the live World Bank API, into observations.

Every loader returns a `LoadedSource` (observations in the tidy schema, plus what it dropped
and the entity names it found) and is registered once in `registry.LOADERS` under the name
``sources.yaml`` uses. `declarations` reads ``sources.yaml`` into typed, frozen dataclasses.

May import: the foundation (``indicators.errors``, ``.schema``, ``.catalogue``, ``.rules``).
"""
