"""The envelope every Kibana saved object shares in the ``_import`` NDJSON format."""

from __future__ import annotations

from typing import Any

# Kibana 8.8+ records the core reference format here; every 8.x up to 8.19 accepts it.
CORE_MIGRATION_VERSION = "8.8.0"


def saved_object(
    object_type: str,
    object_id: str,
    type_migration_version: str,
    attributes: dict[str, Any],
    references: list[dict[str, str]],
) -> dict[str, Any]:
    """One saved object. ``type_migration_version`` is the format the attributes are
    written in: on import Kibana runs every later migration of that type, so a
    version at or below the format we write keeps objects valid across 8.x."""
    return {
        "type": object_type,
        "id": object_id,
        "attributes": attributes,
        "references": references,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": type_migration_version,
        "managed": False,
    }
