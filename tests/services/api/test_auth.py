"""Bearer tokens: only /healthz is public; a missing or wrong token is a 401 everywhere else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

TOKEN = "test-token-" + "x" * 20
PROTECTED = ["/v1/search", "/v1/pages/" + "a" * 64, "/v1/articles/x", "/v1/export", "/readyz", "/metrics",
             "/openapi.json", "/docs", "/docs/assets/swagger-ui.css"]


def test_healthz_is_public(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("path", PROTECTED)
def test_missing_token_is_401(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", PROTECTED)
def test_wrong_token_is_401(client, path):
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(path, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_right_token_gets_in(client):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/v1/search", headers=headers).status_code == 200
    assert client.get("/openapi.json", headers=headers).json()["info"]["title"] == "newsflow API"
    assert client.post("/v1/pages", content=b"x").status_code == 401


def test_tokens_from_the_token_file(make_client, api_settings, tmp_path):
    token_file = tmp_path / "api-token"
    token_file.write_text("# written by newsflow up\nfile-token\n")
    client = make_client(api_settings.model_copy(update={"api_tokens": None, "api_token_file": token_file}))
    assert client.get("/v1/search", headers={"Authorization": "Bearer file-token"}).status_code == 200
    assert client.get("/v1/search", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401


def test_docs_work_offline_with_the_token_as_a_cookie(client):
    login = client.get(f"/docs?token={TOKEN}")
    assert login.status_code == 200 and "newsflow_token" in login.headers["set-cookie"]
    page = client.get("/docs")  # with the cookie
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    client.cookies.clear()
    assert client.get("/docs?token=wrong", follow_redirects=False).status_code == 401


def test_no_cors_headers(client):
    response = client.options("/v1/search", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in response.headers
