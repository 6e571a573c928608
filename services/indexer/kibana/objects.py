"""Kibana saved objects for the article alias: data view, saved searches, map, dashboard.

``build_objects(alias)`` returns the objects as dicts; ``export_objects(alias)``
returns them as the NDJSON that Kibana's ``_import`` API (and the Saved
Objects UI) accepts. Ids are derived from the alias only, so importing again
with ``overwrite=true`` updates the same objects instead of adding copies.

Every field an object names is checked against ``index_template(alias)``
(``validate_objects``): terms on keyword fields, histograms on dates, the map
on a ``geo_point``. Export refuses objects that fail, so renaming a field in
the mapping breaks a test instead of a dashboard.

    >>> ndjson = export_objects("newsflow-articles")
    >>> ndjson.count("\\n") == len(build_objects("newsflow-articles"))
    True
"""

from __future__ import annotations

import json
from typing import Any

from ..mapping import field_type, index_template
from .lens import Bucket, bar_chart, lens_fields
from .saved_object import saved_object

DASHBOARD_TIME_FROM = "now-1y"

# Readable names in Discover, Lens and the map tooltips.
FIELD_LABELS = {
    "published_at": "Published",
    "title": "Title",
    "source": "Source",
    "source.keyword": "Source (exact)",
    "people": "People",
    "organizations": "Organisations",
    "places": "Places",
    "groups": "Groups",
    "countries": "Countries",
    "language": "Language",
    "keywords": "Keywords",
    "authors": "Authors",
    "url": "URL",
    "locations": "Place coordinates",
    "mentioned_dates": "Dates mentioned",
    "fetched_at": "Fetched",
    "indexed_at": "Indexed",
}
ARTICLE_COLUMNS = ["title", "source", "people", "organizations", "places", "language"]


def object_ids(alias: str) -> dict[str, str]:
    names = [
        "data-view", "search-latest", "search-person", "lens-over-time", "lens-people",
        "lens-organizations", "lens-places", "lens-languages", "lens-sources", "map-places", "dashboard",
    ]  # fmt: skip
    return {name: f"{alias}--{name}" for name in names}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def data_view(alias: str) -> dict[str, Any]:
    return saved_object(
        "index-pattern",
        object_ids(alias)["data-view"],
        "7.11.0",
        {
            "title": alias,
            "name": "News articles",
            "timeFieldName": "published_at",
            "fieldAttrs": _json({f: {"customLabel": label} for f, label in FIELD_LABELS.items()}),
            "fieldFormatMap": _json({"url": {"id": "url"}}),
            "fields": "[]",
            "runtimeFieldMap": "{}",
            "sourceFilters": "[]",
            "typeMeta": "{}",
        },
        [],
    )


def _exists_filter(field: str, index: int) -> dict[str, Any]:
    return {
        "meta": {
            "alias": None,
            "negate": False,
            "disabled": False,
            "type": "exists",
            "key": field,
            "value": "exists",
            "indexRefName": f"kibanaSavedObjectMeta.searchSourceJSON.filter[{index}].meta.index",
        },
        "query": {"exists": {"field": field}},
        "$state": {"store": "appState"},
    }


def saved_search(
    object_id: str, title: str, description: str, data_view_id: str, filters: list[dict[str, Any]]
) -> dict[str, Any]:
    search_source = {
        "query": {"query": "", "language": "kuery"},
        "filter": filters,
        "highlightAll": True,
        "version": True,
        "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
    }
    references = [
        {"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": data_view_id}
    ] + [{"name": f["meta"]["indexRefName"], "type": "index-pattern", "id": data_view_id} for f in filters]
    return saved_object(
        "search",
        object_id,
        "7.9.3",
        {
            "title": title,
            "description": description,
            "columns": ARTICLE_COLUMNS,
            "sort": [["published_at", "desc"]],
            "hits": 0,
            "version": 1,
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json(search_source)},
        },
        references,
    )


def places_map(object_id: str, data_view_id: str) -> dict[str, Any]:
    """Articles as points at the places they mention (``locations``), newest on top.

    The basemap comes from Elastic Maps Service; without internet access the
    points still draw, on a blank background.
    """
    basemap = {
        "id": "basemap",
        "label": None,
        "type": "EMS_VECTOR_TILE",
        "sourceDescriptor": {"type": "EMS_TMS", "isAutoSelect": True, "lightModeDefault": "road_map_desaturated"},
        "style": {"type": "EMS_VECTOR_TILE", "color": ""},
        "minZoom": 0,
        "maxZoom": 24,
        "alpha": 1,
        "visible": True,
        "includeInFitToBounds": True,
    }
    articles = {
        "id": "articles",
        "label": "Articles by place mentioned",
        "type": "GEOJSON_VECTOR",
        "sourceDescriptor": {
            "id": "articles-source",
            "type": "ES_SEARCH",
            "indexPatternRefName": "layer_1_source_index_pattern",
            "geoField": "locations",
            "scalingType": "LIMIT",
            "sortField": "published_at",
            "sortOrder": "desc",
            "tooltipProperties": ["title", "source", "places", "published_at"],
            "filterByMapBounds": True,
            "applyGlobalQuery": True,
            "applyGlobalTime": True,
            "applyForceRefresh": True,
            "topHitsSplitField": "",
            "topHitsSize": 1,
        },
        "style": {"type": "VECTOR", "properties": {}, "isTimeAware": True},
        "joins": [],
        "minZoom": 0,
        "maxZoom": 24,
        "alpha": 0.8,
        "visible": True,
        "includeInFitToBounds": True,
    }
    map_state = {
        "zoom": 1.4,
        "center": {"lon": 0, "lat": 20},
        "timeFilters": {"from": DASHBOARD_TIME_FROM, "to": "now"},
        "refreshConfig": {"isPaused": True, "interval": 0},
        "query": {"query": "", "language": "kuery"},
        "filters": [],
        "settings": {"autoFitToDataBounds": False},
    }
    return saved_object(
        "map",
        object_id,
        "8.0.0",
        {
            "title": "Places mentioned in the news",
            "description": "Each article at the coordinates of the places it mentions.",
            "mapStateJSON": _json(map_state),
            "layerListJSON": _json([basemap, articles]),
            "uiStateJSON": _json({"isLayerTOCOpen": True, "openTOCDetails": []}),
        },
        [{"name": "layer_1_source_index_pattern", "type": "index-pattern", "id": data_view_id}],
    )


def dashboard(object_id: str, panels: list[tuple[dict[str, Any], tuple[int, int, int, int]]]) -> dict[str, Any]:
    """A dashboard of saved objects by reference; each panel is (object, (x, y, w, h))."""
    panels_json, references = [], []
    for number, (obj, (x, y, w, h)) in enumerate(panels, start=1):
        index = str(number)
        panels_json.append(
            {
                "version": "8.8.0",
                "type": obj["type"],
                "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
                "panelIndex": index,
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{index}",
            }
        )
        references.append({"name": f"{index}:panel_{index}", "type": obj["type"], "id": obj["id"]})
    return saved_object(
        "dashboard",
        object_id,
        "8.7.0",
        {
            "title": "Newsflow: news overview",
            "description": "Who, where and when across every indexed article.",
            "panelsJSON": _json(panels_json),
            "optionsJSON": _json({"useMargins": True, "syncColors": False, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": DASHBOARD_TIME_FROM,
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "version": 1,
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": _json({"query": {"query": "", "language": "kuery"}, "filter": []})
            },
        },
        references,
    )


def build_objects(alias: str) -> list[dict[str, Any]]:
    """Every saved object, data view first (import resolves references in any order)."""
    ids = object_ids(alias)
    dv = ids["data-view"]

    def top(key: str, field: str, label: str, size: int = 15) -> dict[str, Any]:
        return bar_chart(
            object_id=ids[key],
            title=f"Top {label.lower()}",
            description=f"{label} named in the most articles.",
            data_view_id=dv,
            x=Bucket(field, label, size=size),
        )

    latest = saved_search(ids["search-latest"], "Latest articles", "Every article, newest first.", dv, [])
    person = saved_search(
        ids["search-person"],
        "Articles mentioning a person",
        'Articles that name at least one person. Narrow it with a query such as people : "Jane Doe".',
        dv,
        [_exists_filter("people", 0)],
    )
    over_time = bar_chart(
        object_id=ids["lens-over-time"],
        title="Articles over time by source",
        description="Articles per publication interval, stacked by source.",
        data_view_id=dv,
        x=Bucket("published_at", "Published", operation="date_histogram"),
        split=Bucket("source.keyword", "Source", size=10),
        series_type="bar_stacked",
    )
    people = top("lens-people", "people", "People")
    organizations = top("lens-organizations", "organizations", "Organisations")
    places = top("lens-places", "places", "Places")
    languages = top("lens-languages", "language", "Languages", size=10)
    sources = top("lens-sources", "source.keyword", "Sources", size=15)
    world = places_map(ids["map-places"], dv)
    board = dashboard(
        ids["dashboard"],
        [
            (over_time, (0, 0, 48, 12)),
            (people, (0, 12, 16, 14)),
            (organizations, (16, 12, 16, 14)),
            (places, (32, 12, 16, 14)),
            (world, (0, 26, 32, 18)),
            (languages, (32, 26, 16, 9)),
            (sources, (32, 35, 16, 9)),
            (latest, (0, 44, 48, 18)),
        ],
    )
    charts = [over_time, people, organizations, places, languages, sources]
    return [data_view(alias), latest, person, *charts, world, board]


def field_uses(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, use) pairs: use is 'time', 'terms', 'date_histogram', 'geo', 'sort' or 'any'."""
    attrs = obj["attributes"]
    kind = obj["type"]
    if kind == "index-pattern":
        uses = [(attrs["timeFieldName"], "time")]
        uses += [(f, "any") for f in json.loads(attrs["fieldAttrs"])]
        return uses + [(f, "any") for f in json.loads(attrs["fieldFormatMap"])]
    if kind == "search":
        source = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
        uses = [(c, "any") for c in attrs["columns"]] + [(s[0], "sort") for s in attrs["sort"]]
        return uses + [(f["meta"]["key"], "any") for f in source["filter"]]
    if kind == "lens":
        return lens_fields(obj)
    if kind == "map":
        uses = []
        for layer in json.loads(attrs["layerListJSON"]):
            source = layer["sourceDescriptor"]
            if "geoField" in source:
                uses.append((source["geoField"], "geo"))
                uses.append((source["sortField"], "sort"))
                uses += [(f, "any") for f in source["tooltipProperties"]]
        return uses
    return []


_FITS = {
    "time": {"date", "date_nanos"},
    "date_histogram": {"date", "date_nanos"},
    "sort": {"date", "date_nanos", "keyword", "integer", "long", "float"},
    "terms": {"keyword"},
    "geo": {"geo_point"},
}


def validate_objects(objects: list[dict[str, Any]], template: dict[str, Any]) -> list[str]:
    """Problems that would break a saved object against this mapping (empty when fine)."""
    problems = []
    ids = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        where = f"{obj['type']} {obj['id']}"
        for field, use in field_uses(obj):
            actual = field_type(template, field)
            if actual is None:
                problems.append(f"{where}: field {field!r} is not in the mapping")
            elif use in _FITS and actual not in _FITS[use]:
                problems.append(f"{where}: field {field!r} is {actual}, unusable for {use}")
        for ref in obj["references"]:
            if (ref["type"], ref["id"]) not in ids:
                problems.append(f"{where}: reference {ref['name']} points at missing {ref['type']} {ref['id']}")
    return problems


def export_objects(alias: str) -> str:
    """NDJSON for Kibana's ``_import`` API; raises ValueError if any object is broken."""
    objects = build_objects(alias)
    problems = validate_objects(objects, index_template(alias))
    if problems:
        raise ValueError("Kibana objects do not fit the mapping: " + "; ".join(problems))
    return "".join(_json(o) + "\n" for o in objects)
