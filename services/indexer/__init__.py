"""newsflow indexer service."""
