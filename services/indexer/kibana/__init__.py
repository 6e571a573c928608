"""Kibana saved objects for newsflow: build them from the mapping, export, import.

newsflow kibana export-objects objects.ndjson
newsflow kibana import --url http://127.0.0.1:5601
"""

from .api import KibanaImportError, import_objects
from .objects import build_objects, export_objects, object_ids, validate_objects

__all__ = [
    "KibanaImportError",
    "build_objects",
    "export_objects",
    "import_objects",
    "object_ids",
    "validate_objects",
]
