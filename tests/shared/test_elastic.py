"""The Elasticsearch client sends credentials only when they are configured, to the configured server.

Checked on the wire: a local HTTP server answering like Elasticsearch records
the requests the client really sends.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from shared.elastic import make_client
from shared.settings import Settings

pytestmark = pytest.mark.unit


class FakeElasticsearch(BaseHTTPRequestHandler):
    received: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 (http.server naming)
        FakeElasticsearch.received.append({k.lower(): v for k, v in self.headers.items()})
        payload = json.dumps({"version": {"number": "8.19.0"}, "tagline": "You Know, for Search"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def es_url():
    server = HTTPServer(("127.0.0.1", 0), FakeElasticsearch)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeElasticsearch.received = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_basic_auth_is_sent_only_when_a_username_is_configured(es_url):
    make_client(Settings(elasticsearch_url=es_url, elasticsearch_username="elastic",
                         elasticsearch_password="s3cret")).info()
    make_client(Settings(elasticsearch_url=es_url)).info()

    secured, anonymous = FakeElasticsearch.received
    assert secured["authorization"] == "Basic " + base64.b64encode(b"elastic:s3cret").decode()
    assert "authorization" not in anonymous


def test_requests_go_to_the_configured_url(es_url):
    assert make_client(Settings(elasticsearch_url=es_url)).info()["version"]["number"] == "8.19.0"
    assert len(FakeElasticsearch.received) == 1
