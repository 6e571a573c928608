"""The publication date of an HTML page, chosen from evidence, with how sure we are.

Where data comes from: the parsed tree (before scripts are stripped: JSON-LD
lives there), the page's URL, its declared language and the fetch time. Out
goes one ``PageDate`` (text as written, UTC value, the calendar day the page
meant, origin, confidence) or None. ``services.parser.metadata`` calls
``choose_publication``; the enricher only resolves what is still open.

Evidence, strongest first; each candidate keeps a weight for its kind:

1. JSON-LD ``datePublished`` of the article object, ``article:published_time``
   and its kin in ``<meta>``, ``itemprop="datePublished"`` elements;
2. ``<time>`` elements of the article header (``pubdate``, publish classes);
3. a full date in the URL (``/2024/03/09/``);
4. a relative stamp in the byline ("vor 3 Stunden"), against the fetch time;
5. htmldate's look at the visible text near the title and byline (its fast
   search; its extensive search only when nothing else was found, weakly).

Never taken: modification dates (``dateModified``, ``article:modified_time``,
"updated" ``<time>``s) and copyright years; any date after the fetch time (or
after now when the fetch time is unknown). Ambiguous numeric day/month orders
("11/01/2023") are read the way another date of the page confirms, else the
way the page's locale writes dates. A stamp in UTC whose day differs by one
from the URL's or a local stamp's is the same moment seen from the page's time
zone: the page's own day is kept. Confidence is the winner's weight, raised
when independent evidence agrees and lowered when strong evidence disagrees.

    >>> from lxml import html
    >>> tree = html.fromstring('<html><head><meta property="article:published_time" '
    ...                        'content="2024-03-09T10:00:00Z"></head><body></body></html>')
    >>> found = choose_publication(tree, "https://example.org/2024/03/09/story", ld_articles=[], ld_objects=[])
    >>> found.origin, found.day.isoformat(), found.confidence >= 0.9
    ('meta', '2024-03-09', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from services.parser.relative_dates import languages_for, resolve_relative
from services.parser.stamps import Stamp, month_first_locale, read_stamp
from services.parser.visible_dates import byline_stamps, byline_texts, labelled_stamps, modified_stamps, visible_texts
from shared.models import DateOrigin, PageDate

# Meta names/properties that state publication, with how much each is trusted. Generic
# "date"/"dc.date" are often the page's build or update date, hence lower.
_META_WEIGHTS = {
    "article:published_time": 0.9,
    "og:published_time": 0.9,
    "og:article:published_time": 0.9,
    "datepublished": 0.9,
    "pubdate": 0.85,
    "publishdate": 0.85,
    "publish-date": 0.85,
    "publish_date": 0.85,
    "dc.date.issued": 0.85,
    "dcterms.issued": 0.85,
    "citation_publication_date": 0.85,
    "citation_online_date": 0.85,
    "prism.publicationdate": 0.85,
    "sailthru.date": 0.85,
    "parsely-pub-date": 0.85,
    "article.published": 0.85,
    "published_time": 0.85,
    "publication_date": 0.85,
    "original-publish-date": 0.85,
    "article_date_original": 0.85,
    "datecreated": 0.75,
    "dcterms.created": 0.75,
    "dc.date.created": 0.75,
    "dc.date": 0.75,
    "dcterms.date": 0.75,
    "date": 0.65,
}
_WEIGHT = {
    "json-ld": 0.95,
    "json-ld-created": 0.8,
    "json-ld-other": 0.8,
    "itemprop": 0.85,
    "time-pubdate": 0.8,
    "time": 0.7,
    "url": 0.85,
    "relative": 0.7,
    "labelled": 0.8,
    "byline": 0.7,
    "visible-text": 0.6,
    "extensive": 0.35,
}
_STRONG = 0.85  # structured publication data and URL dates; weaker evidence is looked for only without them
_AGREE_BONUS = 0.08
_DISAGREE_PENALTY = 0.25
_MODIFIED = re.compile(r"modif|updat|lastmod|edited|revis|aktualisiert", re.IGNORECASE)
_PUBLISH = re.compile(r"publi|posted|created|pubdate|entry-date|article-date|date-published", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/._-]|$)")
_URL_DATE_LOOSE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
_STORY_HEADER = re.compile(r"article-(?:meta|header|info|date)|entry-(?:meta|header)|post-(?:meta|header)|byline", re.I)
_OTHER_STORY = re.compile(r"teaser|related|recommend|comment|reply|sidebar|widget|promo|card", re.I)
_META_DATES = XPath("//meta[@content or @datetime]")
_ITEMPROPS = XPath("//body//*[@itemprop]")  # filtered in Python: cheaper than a value test in the path
_ITEMPROP_DATES = {"datePublished", "dateCreated"}
_TIMES = XPath("(//time)[position() <= 12]")


@dataclass(frozen=True)
class Candidate:
    stamp: Stamp
    origin: DateOrigin
    weight: float
    text: str
    kind: str  # finer than origin, for agreement: two meta tags are one source, not two


def _stamp(text: Any, languages: list[str]) -> Stamp | None:
    if isinstance(text, list) and text:
        text = text[0]
    return read_stamp(text, languages) if isinstance(text, str) else None


def _structured(
    tree: HtmlElement, ld_articles: list[dict], ld_objects: list[dict], languages: list[str]
) -> list[Candidate]:
    """Candidates from structured data; stamps in words are read only when no strong ISO one exists.

    dateparser costs about a millisecond a stamp (more for a new language), the
    rest of the choice a fraction of that, and most pages state an ISO date.
    """
    found: list[Candidate] = []
    in_words: list[tuple[Any, DateOrigin, float, str]] = []

    def add(text: Any, origin: DateOrigin, weight: float, kind: str, stamp: Stamp | None = None) -> None:
        stamp = stamp or _stamp(text, [])
        if stamp is not None:
            written = text[0] if isinstance(text, list) else text
            found.append(Candidate(stamp, origin, weight, " ".join(str(written).split())[:200], kind))
        elif isinstance(text, (str, list)):
            in_words.append((text, origin, weight, kind))

    for obj in ld_articles[:3]:
        add(obj.get("datePublished"), "json-ld", _WEIGHT["json-ld"], "json-ld")
        add(obj.get("dateCreated"), "json-ld", _WEIGHT["json-ld-created"], "json-ld")
    if not ld_articles:
        for obj in ld_objects[:10]:
            add(obj.get("datePublished"), "json-ld", _WEIGHT["json-ld-other"], "json-ld")
    for meta in _META_DATES(tree):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        weight = _META_WEIGHTS.get(key)
        if weight is not None:
            add(meta.get("content") or meta.get("datetime"), "meta", weight, "meta")
    if _settled(found):
        return found
    dated = [e for e in _ITEMPROPS(tree) if e.get("itemprop") in _ITEMPROP_DATES and e.tag != "meta"]
    for element in dated[:5]:
        text = element.get("datetime") or element.get("content") or element.text_content()
        add(text, "itemprop", _WEIGHT["itemprop"], "itemprop")
    for element in _TIMES(tree):
        context = " ".join(filter(None, (element.get("class"), element.get("itemprop"), _parent_class(element))))
        if _MODIFIED.search(context):
            continue
        strong = element.get("pubdate") is not None or bool(_PUBLISH.search(context)) or _in_story_header(element)
        weight = _WEIGHT["time-pubdate" if strong else "time"]
        add(element.get("datetime") or element.text_content(), "time-element", weight, "time")
    if not any(c.weight >= 0.85 for c in found):
        for text, origin, weight, kind in in_words:
            if (stamp := _stamp(text, languages)) is not None:
                add(text, origin, weight, kind, stamp)
    return found


def _settled(found: list[Candidate]) -> bool:
    """JSON-LD and a publication meta tag agree on a day the page wrote in its own time.

    Most news pages are like this; not scanning their ``itemprop``s and ``<time>``s
    keeps the choice cheap there. A pair of UTC stamps is not enough: a local
    ``<time>`` may still show the page's own day.
    """
    strong = [c for c in found if c.weight >= 0.85 and c.stamp.alternative is None]
    local = [c for c in strong if c.stamp.offset_given or not c.stamp.has_time]
    return any(a.kind != b.kind and a.stamp.day == b.stamp.day for a in local for b in strong)


def _in_story_header(element: HtmlElement) -> bool:
    """Is this ``<time>`` in the story's own header or byline block (not a teaser's, not a comment's)?"""
    node = element.getparent()
    for _ in range(3):
        if node is None:
            return False
        names = f"{node.get('class', '')} {node.get('id', '')}"
        if _OTHER_STORY.search(names):
            return False
        if node.tag == "header" or _STORY_HEADER.search(names):
            return True
        node = node.getparent()
    return False


def _parent_class(element: HtmlElement) -> str | None:
    parent = element.getparent()
    return parent.get("class") if parent is not None else None


def _url_candidate(url: str | None) -> Candidate | None:
    if not url:
        return None
    match = _URL_DATE.search(url) or _URL_DATE_LOOSE.search(url)
    if not match:
        return None
    stamp = read_stamp("-".join(match.groups()))
    return Candidate(stamp, "url", _WEIGHT["url"], match.group(0).strip("/"), "url") if stamp else None


def _relative(tree: HtmlElement, fetched_at: datetime | None, languages: list[str]) -> list[Candidate]:
    if fetched_at is None:
        return []
    for text in byline_texts(tree):
        if _MODIFIED.search(text):
            continue
        value = resolve_relative(text, fetched_at, languages)
        if value is not None:  # the first byline stamp is the article's; later ones are comments' or teasers'
            return [Candidate(Stamp(value, value.date(), True), "relative", _WEIGHT["relative"], text, "relative")]
    return []


def _byline(
    tree: HtmlElement, texts: list[Any], languages: list[str], language: str | None, context: list[Candidate]
) -> list[Candidate]:
    found = [
        Candidate(stamp, "visible-text", _WEIGHT["labelled"], text, "labelled")
        for text, stamp in labelled_stamps(texts, languages)
    ] + [
        Candidate(stamp, "visible-text", _WEIGHT["byline"], text, "byline")
        for text, stamp in byline_stamps(tree, languages)
    ]
    return _settle_ambiguous(found, language, context)


def _htmldate(tree: HtmlElement, url: str | None, bound: datetime, extensive: bool) -> Candidate | None:
    from htmldate import find_date

    try:
        found = find_date(
            tree, url=url, original_date=True, extensive_search=extensive, max_date=bound.strftime("%Y-%m-%d")
        )
    except Exception:  # htmldate parses free text with dateutil; it must never fail the page
        return None
    stamp = read_stamp(found) if found else None
    # htmldate pads a bare year to 1 January: a copyright line or "since 2019" is not a day.
    if stamp is None or (stamp.day.month, stamp.day.day) == (1, 1):
        return None
    kind = "extensive" if extensive else "visible-text"
    return Candidate(stamp, "visible-text", _WEIGHT[kind], found, kind)


def _settle_ambiguous(
    candidates: list[Candidate], language: str | None, context: list[Candidate] = ()
) -> list[Candidate]:
    """Read each ambiguous day/month stamp the way the page's other dates (or ``context``) or its locale do."""
    settled = []
    for cand in candidates:
        if cand.stamp.alternative is None:
            settled.append(cand)
            continue
        others = {c.stamp.day for c in [*candidates, *context] if c is not cand and c.stamp.alternative is None}
        if cand.stamp.day in others:
            day = cand.stamp.day
        elif cand.stamp.alternative in others:
            day = cand.stamp.alternative
        else:
            day = cand.stamp.day if month_first_locale(language) else cand.stamp.alternative
        settled.append(Candidate(cand.stamp.read_as(day), cand.origin, cand.weight, cand.text, cand.kind))
    return settled


def _same_moment_elsewhere(utc: Stamp, other: Stamp) -> bool:
    """Is ``other`` the same instant as ``utc``, written in a local time zone?

    With an offset that is exact; a naive local time must sit whole quarter hours
    away with the same seconds, and only a seconds-precise stamp can show that
    (07:00:00 one day from 19:00:00 the day before is as likely two events).
    """
    if not other.has_time or other.day == utc.day:
        return False
    if other.offset_given:
        return other.value == utc.value
    shift = abs((other.value - utc.value).total_seconds())
    return utc.value.second != 0 and 0 < shift <= 12 * 3600 and shift % 900 == 0


def _local_day(best: Candidate, candidates: list[Candidate]) -> date:
    """The page's own day for a stamp written in UTC when the page shows it one day away.

    "2023-11-09T05:30:59Z" is 8 November in Minneapolis: the URL (/2023/11/08/) or a
    ``<time>`` of the same instant in local time ("2023-11-08 23:30:59") says so.
    """
    if not best.stamp.has_time or best.stamp.offset_given:
        return best.stamp.day  # no time, or written with its own offset: already the page's day
    near = [c for c in candidates if abs((c.stamp.day - best.stamp.day).days) == 1]
    url = next((c for c in candidates if c.kind == "url"), None)
    if url is not None:
        return url.stamp.day if url in near and _reachable(best.stamp, url.stamp.day) else best.stamp.day
    for cand in near:
        if _same_moment_elsewhere(best.stamp, cand.stamp):
            return cand.stamp.day
    return best.stamp.day


def _reachable(utc: Stamp, day: date) -> bool:
    """Can some inhabited time zone (UTC-10 to UTC+14) put the UTC instant on ``day``?

    10:04Z is still the same day in Honolulu, so a URL's earlier day is the day
    the story was started, not a time-zone view of the stamp.
    """
    minutes = utc.value.hour * 60 + utc.value.minute
    return minutes < 10 * 60 if day < utc.day else minutes >= 10 * 60


def _confidence(best: Candidate, candidates: list[Candidate], day: date) -> float:
    agreeing = {c.kind for c in candidates if c.kind != best.kind and abs((c.stamp.day - day).days) <= 1}
    disagreeing = [
        c for c in candidates if c.kind != best.kind and c.weight >= 0.75 and abs((c.stamp.day - day).days) > 1
    ]
    score = best.weight + _AGREE_BONUS * len(agreeing) - (_DISAGREE_PENALTY if disagreeing else 0.0)
    return round(max(0.05, min(0.99, score)), 2)


def choose_publication(
    tree: HtmlElement,
    url: str | None,
    *,
    ld_articles: list[dict[str, Any]],
    ld_objects: list[dict[str, Any]],
    language: str | None = None,
    fetched_at: datetime | None = None,
) -> PageDate | None:
    """The page's publication date, or None; see the module docstring for the evidence used."""
    bound = fetched_at or datetime.now(timezone.utc)
    languages = languages_for(language)[:3]
    candidates = _structured(tree, ld_articles, ld_objects, languages)
    if (url_candidate := _url_candidate(url)) is not None:
        candidates.append(url_candidate)
    candidates = [c for c in _settle_ambiguous(candidates, language) if _not_after(c.stamp, bound)]
    if not any(c.weight >= _STRONG for c in candidates):
        candidates += _relative(tree, fetched_at, languages)
    if not any(c.weight >= _STRONG for c in candidates):
        texts = visible_texts(tree)
        candidates += [c for c in _byline(tree, texts, languages, language, candidates) if _not_after(c.stamp, bound)]
        found = _htmldate(tree, url, bound, extensive=False)
        if found is None and not candidates:
            found = _htmldate(tree, url, bound, extensive=True)
        if found is not None and _not_after(found.stamp, bound):
            candidates.append(found)
        candidates = _not_modified(candidates, modified_stamps(texts, languages))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: c.weight)  # max keeps the first of equals: page order
    day = _local_day(best, candidates)
    return PageDate(
        text=best.text,
        value=best.stamp.value,
        origin=best.origin,
        day=day,
        confidence=_confidence(best, candidates, day),
    )


def _not_modified(candidates: list[Candidate], modified: list[Stamp]) -> list[Candidate]:
    """Weak candidates minus those that are a modification stamp the page labels as such.

    "page revision: 8, last edited: <span class="odate">17 Jun 2018 15:15</span>"
    makes a byline of the edit (the same instant), and htmldate reads "last
    modified on 4 November 2020" in a footer as the page's day. A byline that
    only shares the day ("Written: 15:03 / Updated: 15:30") is kept.
    """
    if not modified:
        return candidates
    instants = {m.value for m in modified if m.has_time}
    days = {m.day for m in modified}
    labelled = {c.stamp.day for c in candidates if c.kind == "labelled"}

    def is_the_update(cand: Candidate) -> bool:
        if cand.weight >= _STRONG or cand.stamp.day in labelled:
            return False
        if cand.stamp.has_time:
            return cand.stamp.value in instants
        return cand.kind in ("visible-text", "extensive") and cand.stamp.day in days  # htmldate gives days only

    return [c for c in candidates if not is_the_update(c)]


def _not_after(stamp: Stamp, bound: datetime) -> bool:
    """Nothing is published after it was fetched (a bare day counts from its midnight UTC)."""
    return stamp.value <= bound
