"""``/openapi.json`` and ``/docs`` (Swagger UI) served entirely from this machine.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, which these machines (and
many users' servers) cannot reach; here its assets come from the
``swagger-ui-bundle-v2`` package (FastAPI's documented self-hosting recipe).

Nothing but ``/healthz`` is public, so the spec, the docs and their assets want
the token too: the ``Authorization`` header, or the ``newsflow_token`` cookie a browser
gets by opening ``/docs?token=...`` once (the analyst page sets the same cookie).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import swagger_ui_bundle
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from services.api.auth import bearer_scheme, token_dependency, token_is_valid

COOKIE = "newsflow_token"
ASSETS = "/docs/assets"
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
docs_auth = token_dependency(cookie_name=COOKIE)


def mount_docs(app: FastAPI) -> None:
    """Add ``/openapi.json``, ``/docs`` and the Swagger UI assets; build the app with
    ``openapi_url=None, docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not there."""
    assets = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get(ASSETS + "/{name}", include_in_schema=False, dependencies=[Depends(docs_auth)])
    async def asset(name: str) -> FileResponse:
        if name not in ASSET_FILES:
            raise HTTPException(404, detail="no such file")
        return FileResponse(assets / name)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(docs_auth)])
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request, token: Annotated[str | None, Query()] = None):
        if token is not None and token_is_valid(token, request.app.state.api_tokens):
            # The page itself answers (a redirect would lose the cookie in some browsers); its assets and
            # the spec then come with the cookie.
            response = _swagger_page()
            response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
            return response
        await docs_auth(request, await bearer_scheme(request))
        return _swagger_page()


def _swagger_page() -> HTMLResponse:
    return HTMLResponse(
        get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="newsflow API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        ).body
    )
