"""Every file the page's HTML refers to, served from this server and nowhere else.

The page's own CSS and scripts live in ``static/``; the libraries come from
``node_modules/`` beside this file, filled by ``npm ci`` (scripts/bootstrap.sh)
from the pinned ``package-lock.json``. Only the names listed here are served:
a request for anything else is a 404, never a walk through the file system.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
NODE_MODULES = HERE / "node_modules"

LIBRARIES: dict[str, Path] = {
    "leaflet.js": NODE_MODULES / "leaflet/dist/leaflet.js",
    "leaflet.css": NODE_MODULES / "leaflet/dist/leaflet.css",
    "uPlot.iife.min.js": NODE_MODULES / "uplot/dist/uPlot.iife.min.js",
    "uPlot.min.css": NODE_MODULES / "uplot/dist/uPlot.min.css",
    "topojson-client.min.js": NODE_MODULES / "topojson-client/dist/topojson-client.min.js",
    # Natural Earth's 1:110m countries: a ~100 KB outline, the map's only "tiles".
    "countries-110m.json": NODE_MODULES / "world-atlas/countries-110m.json",
}
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


class AssetMissing(LookupError):
    """A listed library file is not installed (``npm ci`` has not run)."""


def asset_path(name: str) -> Path | None:
    """The file for an asset name, or None when the name is not one the page serves."""
    if name in LIBRARIES:
        path = LIBRARIES[name]
        if not path.is_file():
            raise AssetMissing(f"{name} is not installed: run scripts/bootstrap.sh (npm ci in {HERE.name}/)")
        return path
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return None
    return path


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")
