"""Lens (Kibana 8.x) bar charts over the article data view, built from field names.

Every chart on the newsflow dashboard is the same shape: a count of articles
bucketed by one field (terms or date histogram), optionally split by a second
one. ``bar_chart`` builds that saved object in the ``formBased`` datasource
format Kibana 8.6+ stores, so the only inputs are the fields, which
``services.indexer.kibana.objects`` checks against the index template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .saved_object import saved_object

LENS_MIGRATION_VERSION = "8.6.0"  # formBased datasource; later migrations apply on import

SeriesType = Literal["bar_stacked", "bar_horizontal", "line"]

_COUNT = "count"


@dataclass(frozen=True)
class Bucket:
    """A bucketing column: ``terms`` on a keyword field or ``date_histogram`` on a date."""

    field: str
    label: str
    operation: Literal["terms", "date_histogram"] = "terms"
    size: int = 10

    def column(self, order_by: str) -> dict[str, Any]:
        if self.operation == "date_histogram":
            return {
                "label": self.label,
                "customLabel": True,
                "dataType": "date",
                "operationType": "date_histogram",
                "sourceField": self.field,
                "isBucketed": True,
                "scale": "interval",
                "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
            }
        return {
            "label": self.label,
            "customLabel": True,
            "dataType": "string",
            "operationType": "terms",
            "sourceField": self.field,
            "isBucketed": True,
            "scale": "ordinal",
            "params": {
                "size": self.size,
                "orderBy": {"type": "column", "columnId": order_by},
                "orderDirection": "desc",
                "otherBucket": False,
                "missingBucket": False,
                "parentFormat": {"id": "terms"},
            },
        }


def _count_column() -> dict[str, Any]:
    return {
        "label": "Articles",
        "customLabel": True,
        "dataType": "number",
        "operationType": "count",
        "sourceField": "___records___",
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }


def bar_chart(
    *,
    object_id: str,
    title: str,
    description: str,
    data_view_id: str,
    x: Bucket,
    split: Bucket | None = None,
    series_type: SeriesType = "bar_horizontal",
) -> dict[str, Any]:
    """A Lens XY saved object: article count by ``x``, optionally split by ``split``."""
    layer_id = f"{object_id}-layer"
    columns = {"x": x.column(order_by=_COUNT), _COUNT: _count_column()}
    layer: dict[str, Any] = {
        "layerId": layer_id,
        "layerType": "data",
        "seriesType": series_type,
        "xAccessor": "x",
        "accessors": [_COUNT],
        "position": "top",
        "showGridlines": False,
    }
    if split is not None:
        columns["split"] = split.column(order_by=_COUNT)
        layer["splitAccessor"] = "split"
    # Buckets first, then the metric: Lens nests aggregations in column order.
    column_order = ["x", *(["split"] if split is not None else []), _COUNT]
    state = {
        "datasourceStates": {
            "formBased": {
                "layers": {layer_id: {"columns": columns, "columnOrder": column_order, "incompleteColumns": {}}}
            }
        },
        "visualization": {
            "legend": {"isVisible": split is not None, "position": "right"},
            "valueLabels": "hide",
            "fittingFunction": "None",
            "preferredSeriesType": series_type,
            "layers": [layer],
        },
        "query": {"query": "", "language": "kuery"},
        "filters": [],
        "internalReferences": [],
        "adHocDataViews": {},
    }
    return saved_object(
        "lens",
        object_id,
        LENS_MIGRATION_VERSION,
        {"title": title, "description": description, "visualizationType": "lnsXY", "state": state},
        [
            {"type": "index-pattern", "id": data_view_id, "name": "indexpattern-datasource-current-indexpattern"},
            {"type": "index-pattern", "id": data_view_id, "name": f"indexpattern-datasource-layer-{layer_id}"},
        ],
    )


def lens_fields(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, operation) for every column of a Lens object that reads a real field."""
    layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    return [
        (column["sourceField"], column["operationType"])
        for layer in layers.values()
        for column in layer["columns"].values()
        if column.get("sourceField") not in (None, "___records___")
    ]
