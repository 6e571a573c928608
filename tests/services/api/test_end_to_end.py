"""POST the seed page to the API, real workers process it, and the API finds the stories (the issue's
"done when", on this test's own isolated pipeline)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TOKEN = "test-token-" + "x" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_617e04975ce0a18a.txt"
KOREA = "North Korea's Kim says he'll 'unconditionally support' Russia's war against Ukraine"


def _wait_indexed(client, status_url: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        status = client.get(status_url, headers=AUTH).json()
        if status["state"] in ("indexed", "failed", "partial") or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def test_posted_seed_page_becomes_searchable(pipeline, make_client):
    client = make_client(pipeline.settings.model_copy(update={"api_tokens": SecretStr(TOKEN)}))
    posted = client.post(f"/v1/pages?filename={SEED.name}", content=SEED.read_bytes(), headers=AUTH)
    assert posted.status_code == 202 and posted.json()["duplicate"] is False
    status = _wait_indexed(client, posted.json()["status_url"])
    assert status["state"] == "indexed", status
    assert status["articles"]["indexed"] == status["articles"]["expected"] == 4
    client.app.state.newsflow.es.indices.refresh(index=pipeline.settings.index_alias)

    answer = client.get("/v1/search", params={"q": "Kim Jong Un"}, headers=AUTH).json()
    assert answer["hits"][0]["title"] == KOREA
    assert "Kim Jong Un" in {f["value"] for f in answer["facets"]["people"]}
    assert answer["histograms"]["mentioned"], answer["histograms"]
    # The seed's stamps are dates the parser is not sure of: they count once asked for.
    every_date = client.get("/v1/search", params={"include_uncertain_dates": True}, headers=AUTH).json()
    assert sum(day["count"] for day in every_date["histograms"]["published"]) >= 1

    without_kim = client.get("/v1/search", params={"q": "Ukraine AND NOT Kim"}, headers=AUTH).json()
    assert without_kim["total"] >= 1 and KOREA not in {h["title"] for h in without_kim["hits"]}

    korea_id = answer["hits"][0]["id"]
    article = client.get(f"/v1/articles/{korea_id}", headers=AUTH).json()
    kim = next(e for e in article["entities"] if e["name"] == "Kim Jong Un")
    assert kim["mentions"] and all(article["body"][m["start"]:m["end"]] for m in kim["mentions"])
    assert any(d["grain"] for d in article["dates"])

    ndjson = client.get("/v1/export", headers=AUTH)
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    exported = [json.loads(line) for line in ndjson.text.splitlines()]
    assert len(exported) == 4 and KOREA in {doc["title"] for doc in exported}
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/export?format=csv&q=Kim", headers=AUTH).text)))
    assert KOREA in {row["title"] for row in rows}

    assert client.get("/v1/search", params={"q": "Kim Jong Un"}).status_code == 401
    metrics = client.get("/metrics", headers=AUTH).text
    assert 'newsflow_files{state="indexed"} 1.0' in metrics
    assert 'newsflow_stage_seconds_count{stage="parse"} 1.0' in metrics
    assert 'newsflow_api_requests_total{method="POST",route="/v1/pages",status="202"} 1.0' in metrics

    again = client.post("/v1/pages", content=SEED.read_bytes(), headers=AUTH).json()
    assert again["duplicate"] is True and again["raw_id"] == posted.json()["raw_id"]
