"""The page's routes on a small app with a stand-in backend: sign-in guard, assets, errors.

The real stack and a real browser are ``test_page_browser.py``; these check, in
milliseconds, what must hold for every route whatever the data.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.api.page.routes import make_router
from services.api.page.session import COOKIE, session_value

pytestmark = pytest.mark.unit
TOKEN = "page-test-token"


class Backend:
    def __init__(self, fail: Exception | None = None):
        self.fail = fail

    def tokens(self):
        return [TOKEN]

    def search(self, state, *, size, offset):
        if self.fail:
            raise self.fail
        return {"total": 0, "hits": [], "facets": {}, "histograms": {}, "places_map": []}

    def article(self, article_id):
        return None

    def pipeline(self, *, verify):
        if self.fail:
            raise self.fail
        return {"files_by_state": {"indexed": 2}, "queue_depths": {"parse": 0}, "dead_letters": [], "at": "2025-06-02T10:00:00"}

    def export_csv(self, state):
        return iter(["article_id\r\n"])


def client(backend=None, signed_in=True) -> TestClient:
    app = FastAPI()
    backend = backend or Backend()
    app.include_router(make_router(lambda request: backend))
    c = TestClient(app, follow_redirects=False)
    if signed_in:
        c.cookies.set(COOKIE, session_value(TOKEN))
    return c


@pytest.mark.parametrize("path", ["/", "/?q=kim", "/articles/a1", "/pipeline", "/pipeline/body", "/export.csv?q=kim"])
def test_every_page_needs_a_session(path):
    response = client(signed_in=False).get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_sign_in_sets_a_cookie_that_is_not_the_token():
    c = client(signed_in=False)
    response = c.post("/login", data={"token": TOKEN, "next": "/?q=kim"})
    assert response.status_code == 303 and response.headers["location"] == "/?q=kim"
    cookie = response.headers["set-cookie"]
    assert TOKEN not in cookie and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert c.post("/login", data={"token": "wrong"}).status_code == 401


def test_a_store_that_is_down_is_one_sentence_and_a_503():
    response = client(Backend(fail=ConnectionError("redis down at 10.0.0.1"))).get("/pipeline")
    assert response.status_code == 503
    assert "could not answer just now" in response.text
    assert "Traceback" not in response.text and "10.0.0.1" not in response.text


def test_an_unknown_article_is_a_404_sentence():
    response = client().get("/articles/nope")
    assert response.status_code == 404 and "No article has that id" in response.text


@pytest.mark.parametrize("name", ["../routes.py", "..%2Froutes.py", "%2e%2e/state.py", "routes.py", ".hidden"])
def test_assets_are_served_by_name_only(name):
    assert client().get(f"/assets/{name}").status_code == 404


def test_the_pages_own_assets_are_served_with_their_types():
    c = client()
    assert c.get("/assets/page.css").headers["content-type"].startswith("text/css")
    assert c.get("/assets/search.js").headers["content-type"].startswith("text/javascript")
