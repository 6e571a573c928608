"""Talking to Kibana: the one network call that provisions the saved objects.

``import_objects`` posts the NDJSON from ``export_objects`` to
``/api/saved_objects/_import?overwrite=true``. Objects keep their fixed ids,
so running it again updates them in place.

    >>> from services.indexer.kibana import export_objects
    >>> import_objects("http://127.0.0.1:5601", export_objects("newsflow-articles"))  # doctest: +SKIP
    {'success': True, 'successCount': 11, ...}
"""

from __future__ import annotations

import time
from typing import Any

import httpx


class KibanaImportError(RuntimeError):
    """Kibana answered but refused some or all objects; ``details`` is its answer."""

    def __init__(self, message: str, details: Any = None):
        super().__init__(message)
        self.details = details


def _describe_errors(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        kind = error.get("error", {}).get("type", "error")
        parts.append(f"{error.get('type')} {error.get('id')}: {kind}")
    return "; ".join(parts)


def import_objects(
    kibana_url: str,
    ndjson: str,
    *,
    username: str | None = None,
    password: str | None = None,
    timeout_s: float = 30.0,
    wait_s: float = 0.0,
) -> dict[str, Any]:
    """Import saved objects, overwriting same-id ones; return Kibana's summary.

    ``wait_s`` > 0 keeps retrying, for at most that long, while Kibana is not
    reachable or answers 503 ("not ready yet"), which is how a freshly started
    Kibana behaves for its first minute. Raises ``KibanaImportError`` when
    Kibana rejects the import or any object, ``httpx.HTTPError`` when it cannot
    be reached in time.
    """
    url = kibana_url.rstrip("/") + "/api/saved_objects/_import"
    auth = (username, password or "") if username else None
    deadline = time.monotonic() + wait_s
    while True:
        try:
            response = httpx.post(
                url,
                params={"overwrite": "true"},
                headers={"kbn-xsrf": "newsflow"},
                files={"file": ("newsflow.ndjson", ndjson.encode("utf-8"), "application/ndjson")},
                auth=auth,
                timeout=timeout_s,
            )
            if response.status_code != 503:
                break
            failure: Exception = httpx.HTTPStatusError(
                "Kibana is not ready", request=response.request, response=response
            )
        except httpx.TransportError as exc:
            failure = exc
        if time.monotonic() >= deadline:
            raise failure
        time.sleep(2.0)

    if response.status_code != 200:
        raise KibanaImportError(
            f"Kibana refused the import with HTTP {response.status_code}: {response.text[:500]}",
            response.text,
        )
    summary = response.json()
    if not summary.get("success", False):
        raise KibanaImportError(
            f"Kibana imported {summary.get('successCount', 0)} objects and refused others: "
            + _describe_errors(summary.get("errors", [])),
            summary,
        )
    return summary
