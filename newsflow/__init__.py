"""newsflow command line, ingest paths and the local (Docker-less) stack."""
