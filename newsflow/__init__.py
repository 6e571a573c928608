"""newsflow command line, ingest paths and the local (Docker-less) stack."""

__version__ = "0.1.0"  # the same as pyproject.toml's (tests/newsflow/test_exit_codes.py checks)
