"""Bearer-token authentication, shared by every route except ``/healthz`` (and by the analyst page).

Tokens come from ``NEWSFLOW_API_TOKENS`` (comma-separated) and the token file
(``NEWSFLOW_API_TOKEN_FILE``, default ``runtime_dir/api-token``, one token a
line; ``newsflow up`` writes a random one there). They are read once, when the
app is built, and compared in constant time.

Routes use ``Depends(require_token)``. A page served to a browser, which cannot
set a header on a plain link, uses ``token_dependency(cookie_name=...)``: the
same check, accepting the token from that cookie too.

    >>> sorted(parse_tokens("a, b\\n#comment\\nc"))
    ['a', 'b', 'c']
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.settings import Settings

bearer_scheme = HTTPBearer(
    auto_error=False, description="A token from NEWSFLOW_API_TOKENS or the token file (.runtime/api-token)."
)


def parse_tokens(text: str) -> set[str]:
    """Tokens separated by commas, whitespace or lines; ``#`` starts a comment line."""
    tokens: set[str] = set()
    for line in text.splitlines():
        if not line.strip().startswith("#"):
            tokens.update(t for t in line.replace(",", " ").split() if t)
    return tokens


def load_tokens(settings: Settings) -> frozenset[str]:
    """Every token the API accepts (empty: the API must not start, see ``newsflow api``)."""
    tokens: set[str] = set()
    if settings.api_tokens is not None:
        tokens |= parse_tokens(settings.api_tokens.get_secret_value())
    path = settings.api_token_path
    try:
        tokens |= parse_tokens(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    return frozenset(tokens)


def token_is_valid(token: str | None, tokens: Iterable[str]) -> bool:
    if not token:
        return False
    given = token.encode()
    # Compare against every token, so the time taken does not tell which one nearly matched.
    return any([hmac.compare_digest(given, t.encode()) for t in tokens])


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"})


def token_dependency(cookie_name: str | None = None):
    """A dependency that lets a request through only with a valid token (header, or the cookie)."""

    async def check(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme)
    ) -> None:
        tokens = request.app.state.api_tokens
        token = credentials.credentials if credentials is not None else None
        if token is None and cookie_name:
            token = request.cookies.get(cookie_name)
        if token is None:
            raise _unauthorized("missing bearer token (Authorization: Bearer <token>)")
        if not token_is_valid(token, tokens):
            raise _unauthorized("invalid token")

    return check


require_token = token_dependency()
