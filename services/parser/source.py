"""Which outlet published a page: one outlet name plus its registered domain.

Inputs come from the readers: the page's ``og:site_name``, its JSON-LD
publisher and WebSite/Organization names (``metadata.py``), a text dump's
stamp line, and the page's URL (canonical link, ``og:url``, or the WARC / JSON
record's URL). Output goes to ``Article.source`` and ``Article.source_domain``,
both indexed, so ``--source cnn`` and ``--source nytimes.com`` find the outlet.

Pages say who they are in noisy ways: Reuters' ``og:site_name`` is its section
("U.S."), News Nation's is its home URL, LinkNaija's a tagline, nj.com's the
bare label "nj"; the New York Times' and Sputnik's pages name no site at all.
So the name is chosen by evidence, not by a list of site strings:

1. the **registered domain** comes from the URL with ``tldextract`` and the
   public suffix list bundled in the package (no network): ``www.express.co.uk``
   -> ``express.co.uk``;
2. each candidate name is cleaned: a URL, a handle ("@politifact") or a
   hosting platform ("Blogger", "WordPress") is no outlet name; a tagline is cut
   at its separator ("LinkNaija | Nigeria's popular news platform");
3. a candidate that **agrees with the domain** (its letters, or its initials,
   found in the domain's label: "The Hill" ~ thehill.com, "WSJ" ~ wsj.com,
   "NBC 5 Dallas-Fort Worth" ~ nbcdfw.com) wins over one that does not ("U.S."
   on reuters.com); among agreeing spellings the one with word spaces wins
   ("The Hill" over "TheHill");
4. a small table of major outlets gives one spelling for their domain, whatever
   each page says or leaves out ("nytimes.com" -> "The New York Times",
   "usatoday" / "USA TODAY" -> "USA Today");
5. **syndication**: on an aggregator's domain (msn.com, yahoo.com, ...) the
   original publisher the page names (JSON-LD publisher) is the source, with
   that outlet's domain when the table knows it;
6. otherwise the first clean candidate, else the domain itself as the name.

    >>> choose_source(["U.S."], ["Reuters"], "https://www.reuters.com/article/x")
    Source(name='Reuters', domain='reuters.com')
    >>> choose_source([], [], "https://www.nytimes.com/2019/11/18/business/x.html")
    Source(name='The New York Times', domain='nytimes.com')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SEPARATORS = re.compile(r"\s+[|\u2013\u2014:\u00b7\u2022-]\s+")
_LETTERS = re.compile(r"[^a-z0-9]")
_URLISH = re.compile(r"^(?:https?://|www\.)", re.I)
_PLATFORMS = frozenset(
    {"blogger", "wordpress", "wordpresscom", "medium", "tumblr", "substack", "wix", "squarespace", "ghost", "blogspot"}
)
# Sites that republish other outlets' stories; the page's own name is not the source there.
_AGGREGATORS = frozenset(
    {
        "msn.com",
        "yahoo.com",
        "aol.com",
        "newsbreak.com",
        "smartnews.com",
        "flipboard.com",
        "inkl.com",
        "pressreader.com",
    }
)
# Usual names of major outlets, by registered domain (names a page may leave out or abbreviate).
KNOWN_OUTLETS: dict[str, str] = {
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "WSJ",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "ap.org": "Associated Press",
    "cnn.com": "CNN",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
    "bbc.com": "BBC News",
    "bbc.co.uk": "BBC News",
    "theguardian.com": "The Guardian",
    "usatoday.com": "USA Today",
    "bloomberg.com": "Bloomberg",
    "politico.com": "Politico",
    "npr.org": "NPR",
    "sputniknews.com": "Sputnik",
    "rt.com": "RT",
    "aljazeera.com": "Al Jazeera",
    "detroitnews.com": "The Detroit News",
    "nj.com": "NJ.com",
    "cleveland.com": "Cleveland.com",
    "latimes.com": "Los Angeles Times",
    "nypost.com": "New York Post",
    "thehill.com": "The Hill",
    "politifact.com": "PolitiFact",
    "cnbc.com": "CNBC",
    "time.com": "Time",
}
_DOMAIN_BY_NAME: dict[str, str] = {}
for _domain, _name in KNOWN_OUTLETS.items():
    _DOMAIN_BY_NAME.setdefault(_LETTERS.sub("", _name.lower()), _domain)  # the first domain listed is the main one


@dataclass(frozen=True)
class Source:
    name: str | None
    domain: str | None


@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # An empty URL list and no cache: the snapshot of the public suffix list shipped in the package.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(url: str | None) -> str | None:
    """``https://edition.cnn.com/x`` -> ``cnn.com``; None for no URL or no public suffix."""
    if not url or "." not in url:
        return None
    found = _extractor()(url.strip())
    domain = found.top_domain_under_public_suffix
    return domain.lower() or None


def _clean(name: str | None, label: str) -> str | None:
    if not name:
        return None
    name = " ".join(name.split()).lstrip("@").strip()
    if not name or _URLISH.match(name) or _LETTERS.sub("", name.lower()) in _PLATFORMS:
        return None
    parts = _SEPARATORS.split(name)
    if len(parts) > 1:  # a tagline: keep the part that names the domain, else the first
        name = next((p for p in parts if _agrees(p, label)), parts[0])
    if name[:4] == "the ":
        name = "The " + name[4:]
    return name or None


def _agrees(name: str, label: str) -> bool:
    """The name's letters or initials are in the domain's label: "The Hill"/thehill, "WSJ"/wsj."""
    if not label:
        return False
    squashed = _LETTERS.sub("", name.lower())
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", name)).lower()
    bare = squashed[3:] if squashed.startswith("the") else squashed
    return bool(squashed) and (
        squashed in label
        or label in squashed
        or bare in label
        or (len(initials) >= 2 and initials == label)
        or (len(initials) >= 3 and label.startswith(initials[:3]))
    )


def choose_source(site_names: list[str | None], publishers: list[str | None], url: str | None) -> Source:
    """The outlet of one page from its candidate names (in order of trust) and its URL."""
    domain = registered_domain(url)
    label = domain.split(".")[0] if domain else ""
    sites = [n for n in (_clean(s, label) for s in site_names) if n]
    pubs = [n for n in (_clean(p, label) for p in publishers) if n]
    if domain in _AGGREGATORS:
        for pub in pubs:  # syndication: the original publisher the page names
            if _LETTERS.sub("", pub.lower()) not in (label, _LETTERS.sub("", (sites or [""])[0].lower())):
                return Source(pub, _DOMAIN_BY_NAME.get(_LETTERS.sub("", pub.lower()), domain))
    candidates = sites + pubs
    agreeing = [c for c in candidates if _agrees(c, label)]
    if domain in KNOWN_OUTLETS:  # one spelling per major outlet, whatever each page says
        return Source(KNOWN_OUTLETS[domain], domain)
    if agreeing and domain:  # (a name agrees only with a domain's label, so agreeing implies a domain)
        suffix = _LETTERS.sub("", domain[len(label) :])  # "livescience.com" and "Live Science" are one spelling

        def spelling(c: str) -> str:
            squashed = _LETTERS.sub("", c.lower()).removeprefix("the")
            return squashed[: -len(suffix)] if suffix and squashed.endswith(suffix) else squashed

        first = spelling(agreeing[0])
        spaced = [c for c in agreeing if spelling(c) == first and " " in c]
        return Source((spaced or agreeing)[0], domain)
    if domain in KNOWN_OUTLETS:
        return Source(KNOWN_OUTLETS[domain], domain)
    return Source(candidates[0] if candidates else domain, domain)
