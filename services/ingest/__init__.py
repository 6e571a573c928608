"""Ingest: the way into the pipeline for the CLI, the drop-folder watcher and the HTTP API.

Files come in as bytes; their content goes once into the raw store, their status
into Redis, and a claim check (``RawPageRef``) onto the ``parse`` queue. The same
component keeps the pipeline whole afterwards: the sweeper redrives files whose
messages were lost, dead letters are replayed, stored files or indexed articles
are reprocessed, and accounting checks that every file is indexed, failed with
a reason, or still in flight.

One concept per module: ``ingestor`` (accept bytes or a file), ``files`` (which
files a path names), ``progress`` (wait for files to finish), ``watcher``,
``redrive``, ``replay``, ``reprocess``, ``accounting``. Like every service it
imports only ``shared``.
"""
