"""Platform readers: one module per platform that venues publish their shows through.

Each holds a ``Source`` subclass that fetches and reads that platform's responses; a
venue on the platform is then a few lines of configuration under ``ingest/sources/``
(its id on the platform, its venue facts), not a new parser. Modules here use only
``ingest.fetch``, ``ingest.items``, ``ingest.reading`` and ``ingest.sources.base``.
"""
