"""The three newsflow workers: parser, enricher, indexer. A service never imports another."""
