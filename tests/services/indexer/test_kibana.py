from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from newsflow.commands.kibana import app
from services.indexer.kibana import (
    KibanaImportError,
    build_objects,
    export_objects,
    import_objects,
    object_ids,
    validate_objects,
)
from services.indexer.mapping import field_type, index_template

pytestmark = pytest.mark.unit

ALIAS = "newsflow-articles"
# Attributes Kibana stores as JSON text inside the JSON object.
JSON_STRING_ATTRIBUTES = {
    "index-pattern": ["fieldAttrs", "fieldFormatMap", "fields", "runtimeFieldMap", "sourceFilters", "typeMeta"],
    "map": ["mapStateJSON", "layerListJSON", "uiStateJSON"],
    "dashboard": ["panelsJSON", "optionsJSON"],
}


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return [json.loads(line) for line in export_objects(ALIAS).splitlines()]


def _by_type(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["type"] == kind]


def test_every_line_is_a_well_formed_saved_object(objects):
    assert len(objects) == len(build_objects(ALIAS)) == 11
    for obj in objects:
        assert set(obj) >= {"type", "id", "attributes", "references"}
        assert obj["attributes"]["title"]
        for ref in obj["references"]:
            assert set(ref) == {"name", "type", "id"}
        for name in JSON_STRING_ATTRIBUTES.get(obj["type"], []):
            json.loads(obj["attributes"][name])
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            json.loads(meta["searchSourceJSON"])


def test_ids_are_fixed_per_alias_so_reimport_overwrites(objects):
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))
    assert export_objects(ALIAS) == export_objects(ALIAS)
    assert set(ids) == set(object_ids(ALIAS).values())
    assert not set(ids) & set(object_ids("other-alias").values())


def test_every_reference_resolves_to_an_exported_object(objects):
    exported = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in exported, (obj["id"], ref)


def test_data_view_targets_the_alias_with_publication_time(objects):
    [view] = _by_type(objects, "index-pattern")
    assert view["attributes"]["title"] == ALIAS
    assert field_type(index_template(ALIAS), view["attributes"]["timeFieldName"]) == "date"
    labels = json.loads(view["attributes"]["fieldAttrs"])
    assert labels["published_at"]["customLabel"] == "Published"


def test_saved_searches_include_one_filtered_on_people(objects):
    searches = {o["attributes"]["title"]: o for o in _by_type(objects, "search")}
    assert set(searches) == {"Latest articles", "Articles mentioning a person"}

    person = searches["Articles mentioning a person"]
    source = json.loads(person["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    [people_filter] = source["filter"]
    assert people_filter["query"] == {"exists": {"field": "people"}}
    ref_names = {r["name"] for r in person["references"]}
    assert source["indexRefName"] in ref_names
    assert people_filter["meta"]["indexRefName"] in ref_names
    assert searches["Latest articles"]["attributes"]["sort"] == [["published_at", "desc"]]


def _lens_columns(obj: dict) -> list[dict]:
    layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    return [c for layer in layers.values() for c in layer["columns"].values()]


def test_lens_charts_bucket_keyword_and_date_fields_and_reference_their_layers(objects):
    template = index_template(ALIAS)
    lenses = {o["attributes"]["title"]: o for o in _by_type(objects, "lens")}
    assert {"Articles over time by source", "Top people", "Top organisations", "Top places",
            "Top languages", "Top sources"} == set(lenses)  # fmt: skip

    for title, lens in lenses.items():
        layers = lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
        for layer_id in layers:
            assert f"indexpattern-datasource-layer-{layer_id}" in {r["name"] for r in lens["references"]}
        for column in _lens_columns(lens):
            if column["operationType"] == "terms":
                assert field_type(template, column["sourceField"]) == "keyword", title
            if column["operationType"] == "date_histogram":
                assert field_type(template, column["sourceField"]) == "date", title
        accessors = lens["attributes"]["state"]["visualization"]["layers"][0]
        columns = next(iter(layers.values()))["columns"]
        assert accessors["xAccessor"] in columns and all(a in columns for a in accessors["accessors"])

    over_time = {c["sourceField"] for c in _lens_columns(lenses["Articles over time by source"])}
    assert {"published_at", "source.keyword"} <= over_time


def test_map_plots_the_locations_geo_point(objects):
    [world] = _by_type(objects, "map")
    layers = json.loads(world["attributes"]["layerListJSON"])
    [articles] = [layer for layer in layers if layer["sourceDescriptor"]["type"] == "ES_SEARCH"]
    source = articles["sourceDescriptor"]

    assert field_type(index_template(ALIAS), source["geoField"]) == "geo_point"
    assert source["indexPatternRefName"] in {r["name"] for r in world["references"]}


def test_dashboard_panels_each_resolve_to_a_reference(objects):
    [board] = _by_type(objects, "dashboard")
    panels = json.loads(board["attributes"]["panelsJSON"])
    references = {r["name"]: r for r in board["references"]}

    kinds = set()
    for panel in panels:
        ref = references[f"{panel['panelIndex']}:{panel['panelRefName']}"]
        assert ref["type"] == panel["type"]
        kinds.add(panel["type"])
        grid = panel["gridData"]
        assert grid["x"] + grid["w"] <= 48 and grid["i"] == panel["panelIndex"]
    assert kinds == {"lens", "map", "search"}
    assert len(panels) == 8
    assert board["attributes"]["timeRestore"] is True


def test_objects_fit_the_mapping_and_a_renamed_field_is_caught():
    objects = build_objects(ALIAS)
    template = index_template(ALIAS)
    assert validate_objects(objects, template) == []

    renamed = copy.deepcopy(template)
    props = renamed["template"]["mappings"]["properties"]
    props["persons"] = props.pop("people")
    props["locations"] = {"type": "keyword"}
    problems = validate_objects(objects, renamed)
    assert any("'people'" in p and "not in the mapping" in p for p in problems)
    assert any("'locations'" in p and "geo" in p for p in problems)


def test_export_command_writes_the_ndjson(tmp_path):
    target = tmp_path / "objects.ndjson"
    result = CliRunner().invoke(app, ["export-objects", str(target), "--alias", ALIAS])

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == export_objects(ALIAS)


def test_export_to_dash_writes_standard_output_and_creates_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export-objects", "-", "--alias", ALIAS])
    assert result.exit_code == 0, result.output
    assert result.stdout == export_objects(ALIAS)
    assert not (tmp_path / "-").exists()


def test_export_into_a_missing_folder_is_one_line_and_exit_1(tmp_path):
    result = CliRunner().invoke(app, ["export-objects", str(tmp_path / "missing" / "x.ndjson"), "--alias", ALIAS])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().count("\n") == 0 and "cannot write" in result.output


# --- import against a real (local) HTTP server --------------------------------


class FakeKibana(BaseHTTPRequestHandler):
    answer: dict = {"success": True, "successCount": 11, "successResults": []}
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server naming)
        length = int(self.headers["Content-Length"])
        FakeKibana.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
        )
        payload = json.dumps(FakeKibana.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def kibana_url():
    server = HTTPServer(("127.0.0.1", 0), FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeKibana.received = []
    FakeKibana.answer = {"success": True, "successCount": 11, "successResults": []}
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_import_posts_the_ndjson_with_overwrite_and_xsrf_header(kibana_url):
    ndjson = export_objects(ALIAS)
    summary = import_objects(kibana_url, ndjson, username="elastic", password="secret")

    assert summary["successCount"] == 11
    [request] = FakeKibana.received
    assert request["path"] == "/api/saved_objects/_import?overwrite=true"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["kbn-xsrf"]
    assert headers["content-type"].startswith("multipart/form-data")
    assert headers["authorization"].startswith("Basic ")
    assert b'name="file"; filename="newsflow.ndjson"' in request["body"]
    assert ndjson.encode() in request["body"]


def test_import_reports_objects_kibana_refused(kibana_url):
    FakeKibana.answer = {
        "success": False,
        "successCount": 10,
        "errors": [{"id": "x", "type": "lens", "title": "Top people", "error": {"type": "unknown"}}],
    }
    with pytest.raises(KibanaImportError, match="lens x: unknown"):
        import_objects(kibana_url, export_objects(ALIAS))
