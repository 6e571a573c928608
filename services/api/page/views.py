"""From the backend's answers to what the templates and the page's scripts show; pure.

The search core highlights matches with ``<em>``; everything else in a title
or snippet is text from a crawled page, so it is escaped here and only the
highlight tags are let back in.

    >>> str(highlighted("<b>Kim</b> & <em>Moon</em>"))
    '&lt;b&gt;Kim&lt;/b&gt; &amp; <em>Moon</em>'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from .marks import describe_date, marked_body
from .state import SearchState

_EM_OPEN, _EM_CLOSE = str(escape("<em>")), str(escape("</em>"))


def highlighted(fragment: str | None) -> Markup:
    text = str(escape(fragment or ""))
    return Markup(text.replace(_EM_OPEN, "<em>").replace(_EM_CLOSE, "</em>"))


def search_view(answer: Mapping[str, Any]) -> dict[str, Any]:
    hits = []
    for hit in answer.get("hits", []):
        title = hit.get("title_highlight") or hit.get("title") or "(untitled)"
        hits.append({**hit, "title_html": highlighted(title), "snippet_html": highlighted(hit.get("snippet"))})
    return {
        "total": int(answer.get("total", 0)),
        "hits": hits,
        "facets": {key: list(buckets) for key, buckets in (answer.get("facets") or {}).items()},
        "histograms": answer.get("histograms") or {},
        "places_map": answer.get("places_map") or [],
        "notice": answer.get("notice"),
    }


def search_data(state: SearchState, result: Mapping[str, Any]) -> dict[str, Any]:
    """What search.js draws: day counts for the two timelines and the places for the map."""
    return {
        "published": result["histograms"].get("published", []),
        "mentioned": result["histograms"].get("mentioned", []),
        "places": result["places_map"],
        "selected_places": list(state.filters.get("place", ())),
        "ranges": dict(state.ranges),
    }


def _search_url(**params: str) -> str:
    return "/?" + urlencode(params)


_ENTITY_PARAM = {"person": "person", "org": "org", "organization": "org", "place": "place", "group": "q"}


def entity_url(kind: str, name: str) -> str:
    """The filtered search an entity links to: its facet filter (groups have none: a phrase query)."""
    param = _ENTITY_PARAM.get(kind, "q")
    return _search_url(**{param: f'"{name}"' if param == "q" else name})


def date_url(d: Mapping[str, Any]) -> str:
    start = d.get("range_start") or d.get("value")
    end = d.get("range_end") or start
    return _search_url(mentioned_since=str(start)[:10], mentioned_until=str(end)[:10])


def keyword_url(keyword: str) -> str:
    return _search_url(q=f'"{keyword}"')


def article_view(a: Mapping[str, Any]) -> dict[str, Any]:
    entities = list(a.get("entities") or [])

    def group(kind: str) -> list[Mapping[str, Any]]:
        rows = [e for e in entities if e.get("type") == kind]
        return sorted(rows, key=lambda e: (-int(e.get("count") or 0), e.get("name", "")))

    place_counts = {e["name"]: int(e.get("count") or 1) for e in entities if e.get("type") == "place"}
    points = []
    for p in a.get("place_details") or []:
        loc = p.get("location")
        if loc and loc.get("lat") is not None:
            points.append(
                {
                    "name": p["name"],
                    "lat": loc["lat"],
                    "lon": loc["lon"],
                    "count": place_counts.get(p["name"], 1),
                    "url": entity_url("place", p["name"]),
                }
            )
    resolved = [d for d in a.get("dates") or [] if d.get("range_start") and d.get("resolution") != "unresolved"]
    per_day = Counter(str(d["range_start"])[:10] for d in resolved)
    return {
        "a": a,
        "segments": marked_body(a),
        "entity_groups": [
            ("person", "People", group("person")),
            ("org", "Organisations", group("organization")),
            ("place", "Places", group("place")),
            ("group", "Groups", group("group")),
        ],
        "points": points,
        "resolved_dates": sorted(resolved, key=lambda d: (str(d["range_start"]), d.get("start_offset") or 0)),
        "raw": a.get("raw"),
        "duplicates": a.get("duplicates") or [],
        "entity_url": entity_url,
        "date_url": date_url,
        "keyword_url": keyword_url,
        "describe_date": describe_date,
        "page_data": {
            "places": points,
            "days": [{"day": day, "count": n} for day, n in sorted(per_day.items())],
        },
    }


def pipeline_view(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "files_by_state": dict(p.get("files_by_state") or {}),
        "queue_depths": dict(p.get("queue_depths") or {}),
        "dead_letters": list(p.get("dead_letters") or []),
        "verification": p.get("verification"),
        "verification_error": p.get("verification_error"),
        "at": p.get("at", ""),
    }
