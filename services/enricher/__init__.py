"""newsflow enricher service."""
