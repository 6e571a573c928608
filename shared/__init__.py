"""Contracts and plumbing shared by every newsflow service (models, settings, queues, raw store)."""
