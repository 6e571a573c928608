"""The analyst page's routes: sign-in, search, article, pipeline, export and assets.

Each route reads its state from the URL, asks the ``backend`` (the same search
core, status and dead-letter stores the API and the CLI use; see
``services.api.page.backend``) and renders a Jinja2 template. No search logic
lives here: a route only turns the answer into what the template shows.

Errors a user can cause or meet (a malformed query, an unknown article, a store
that is down) are one sentence on the page with the right status code; the
traceback goes to the log, never to the browser.

    >>> app.include_router(make_router(lambda request: backend))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.api.auth import token_is_valid

from . import assets, views
from .session import COOKIE, SESSION_MAX_AGE_S, safe_next, session_value, valid_session
from .state import FACETS, MAX_HITS, PAGE_SIZES, SORTS, PageError, SearchState

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
PIPELINE_REFRESH_S = 5


class Backend(Protocol):
    """What the page needs from the rest of newsflow (see ``backend.CoreBackend``)."""

    def tokens(self) -> list[str]: ...
    def search(self, state: SearchState, *, size: int, offset: int) -> dict[str, Any]: ...
    def article(self, article_id: str) -> dict[str, Any] | None: ...
    def pipeline(self, *, verify: bool) -> dict[str, Any]: ...
    def export_csv(self, state: SearchState): ...


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals["asset"] = lambda name: f"/assets/{quote(name)}"
    return env


def make_router(backend_for: Callable[[Request], Backend]) -> APIRouter:
    """The page's routes; ``backend_for(request)`` gives the backend of the app serving it."""
    router = APIRouter(include_in_schema=False)
    env = _environment()

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("signed_in", signed_in(request))
        html = env.get_template(name).render(request=request, **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def signed_in(request: Request) -> bool:
        try:
            return valid_session(request.cookies.get(COOKIE), backend_for(request).tokens())
        except Exception:
            log.exception("could not read the API tokens")
            return False

    def guarded(request: Request, handler) -> Response:
        """Run ``handler`` for a signed-in user; send others to the sign-in form; errors as a sentence."""
        if not signed_in(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        try:
            return handler()
        except PageError as exc:
            return render(request, "error.html", exc.status, heading="Cannot show this page", error=str(exc))
        except Exception:
            log.exception("page failed", extra={"path": request.url.path})
            return render(
                request,
                "error.html",
                503,
                heading="Cannot show this page",
                error="newsflow could not answer just now (a store may be down); try again in a moment.",
            )

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        return render(request, "login.html", next=safe_next(next), signed_in=False)

    @router.post("/login")
    def login(request: Request, token: str = Form(""), next: str = Form("/")) -> Response:
        token = token.strip()
        if not token_is_valid(token, backend_for(request).tokens()):
            return render(
                request,
                "login.html",
                401,
                next=safe_next(next),
                signed_in=False,
                error="That token is not one the API accepts.",
            )
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            COOKIE,
            session_value(token),
            max_age=SESSION_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @router.post("/logout")
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.get("/", response_class=HTMLResponse)
    def search_page(request: Request) -> Response:
        def handler() -> Response:
            state = SearchState.from_query(request.url.query)
            offset = (state.page - 1) * state.size
            result = views.search_view(backend_for(request).search(state, size=state.size, offset=offset))
            reachable = min(result["total"], MAX_HITS)
            pages = max(1, math.ceil(reachable / state.size))
            return render(
                request,
                "search.html",
                nav="search",
                state=state,
                result=result,
                sorts=SORTS,
                sizes=PAGE_SIZES,
                facet_labels=FACETS,
                chips=state.chips(),
                clear_url=SearchState(q=state.q).url(),
                export_url="/export.csv?" + urlencode(state.api_params()),
                first_rank=offset + 1,
                pages=pages,
                capped=result["total"] > reachable,
                max_rank=reachable,
                prev_url=state.at_page(state.page - 1).url() if state.page > 1 else None,
                next_url=state.at_page(state.page + 1).url() if state.page < pages else None,
                page_data=views.search_data(state, result),
            )

        return guarded(request, handler)

    @router.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> Response:
        def handler() -> Response:
            article = backend_for(request).article(article_id)
            if article is None:
                raise PageError("No article has that id; it may have been removed or never indexed.", 404)
            return render(request, "article.html", nav="search", **views.article_view(article))

        return guarded(request, handler)

    def pipeline_context(request: Request) -> dict[str, Any]:
        verify = request.query_params.get("verify") == "1"
        return {"p": views.pipeline_view(backend_for(request).pipeline(verify=verify)), "refresh_s": PIPELINE_REFRESH_S}

    @router.get("/pipeline", response_class=HTMLResponse)
    def pipeline_page(request: Request) -> Response:
        return guarded(request, lambda: render(request, "pipeline.html", nav="pipeline", **pipeline_context(request)))

    @router.get("/pipeline/body", response_class=HTMLResponse)
    def pipeline_body(request: Request) -> Response:
        """The page's refreshing part alone (pipeline.js swaps it in every few seconds)."""
        return guarded(request, lambda: render(request, "pipeline_body.html", **pipeline_context(request)))

    @router.get("/export.csv")
    def export(request: Request) -> Response:
        def handler() -> Response:
            state = SearchState.from_query(request.url.query)
            return StreamingResponse(
                backend_for(request).export_csv(state),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="newsflow-export.csv"'},
            )

        return guarded(request, handler)

    @router.get("/assets/{name}")
    def asset(name: str) -> Response:
        try:
            path = assets.asset_path(name)
        except assets.AssetMissing as exc:
            log.error(str(exc))
            return Response(str(exc), status_code=500, media_type="text/plain")
        if path is None:
            return Response("Not found.", status_code=404, media_type="text/plain")
        return FileResponse(path, media_type=assets.media_type(path), headers={"Cache-Control": "max-age=3600"})

    return router


__all__ = ["Backend", "PageError", "make_router"]
