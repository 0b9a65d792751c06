"""Store: the versioned snapshot (parquet tables and a typed descriptor), built and refreshed.

``snapshot`` reads, writes and verifies snapshots and switches ``CURRENT`` atomically;
``descriptor`` types the snapshot's ``descriptor.json``; ``build`` runs the declared loaders on
the raw files; ``refresh`` fetches the World Bank series from the live API into a new snapshot.

May import: the foundation (``indicators.errors``, ``.schema``, ``.catalogue``, ``.rules``) and
``indicators.sources``.
"""
