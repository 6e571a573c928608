"""Sign-in for the page: the API's bearer token, typed once, then a session cookie.

The cookie never holds the token itself: it holds an HMAC of a fixed label
keyed by the token, so a leaked cookie does not reveal the token that the API
accepts, and removing a token from the API's list ends every page session made
with it (the cookie is checked against the current tokens on every request).
The cookie is HttpOnly and SameSite=Strict, which also keeps other sites from
making the browser post to the page (the only POSTs are sign-in and sign-out).

    >>> cookie = session_value("s3cret")
    >>> valid_session(cookie, ["other", "s3cret"])
    True
    >>> valid_session(cookie, ["other"])
    False
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

COOKIE = "newsflow_session"
_LABEL = b"newsflow page session v1"
SESSION_MAX_AGE_S = 12 * 3600


def session_value(token: str) -> str:
    return hmac.new(token.encode(), _LABEL, hashlib.sha256).hexdigest()


def valid_session(cookie: str | None, tokens: Iterable[str]) -> bool:
    if not cookie:
        return False
    # Compare against every token (no early exit) so timing says nothing about which matched.
    matched = False
    for token in tokens:
        matched |= hmac.compare_digest(cookie, session_value(token))
    return matched


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server only, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
