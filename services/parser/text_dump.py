"""Split an aggregator page's text dump into its main article and related articles.

Users save aggregator pages (a story plus "related articles" from other
outlets) as plain text; see ``seeds/000_*.txt``. Such a dump has no markup, so
the articles are found by the shape every aggregator template leaves behind:

* each article has a **stamp line** with a relative time at its end, sometimes
  glued to the outlet or to an icon label: ``The Hindu3 days ago``,
  ``time44 minutes ago``, ``Reuters · 2 hours ago``;
* the **title** is the line repeated just above the stamp (templates print it
  for the card, the link and the heading); the **source** is the capitalised
  prefix of the stamp, else the short line between title and stamp, else a
  ``• Source`` bullet just after it;
* the **body** runs from the stamp to the next article's title block. Chrome
  (icon alt texts, comment boxes, app banners, section labels) is removed by
  structure, never by a list of strings: lines that repeat across the page,
  the short lines around the stamp, and a trailing run after the last
  paragraph that is mostly short, unpunctuated lines.

    >>> dump = ("Big News Today\\nBig News Today\\nDaily Planet2 hours ago\\n"
    ...         "The council approved the new budget on Monday after a long debate.\\n"
    ...         "Share this\\nDownload our app\\n")
    >>> [(a.title, a.source, a.published.text) for a in split_dump(dump)]
    [('Big News Today', 'Daily Planet', '2 hours ago')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from shared.models import PageDate

_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_RELATIVE = re.compile(rf"(?P<time>(?:\d{{1,3}}|an?|a few|one)\s*{_UNIT}\s+ago|yesterday|just now)\s*$", re.IGNORECASE)
_SEPARATORS = " \t•·|-–—:,"
_BULLET = re.compile(r"^\s*[•·*▪►]\s*(?P<text>.+)$")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…\"”’')\]]$")
_MAX_STAMP_PREFIX_WORDS = 6
_STAMP_VERBS = {"updated", "posted", "published", "edited", "last updated"}
_PARAGRAPH_WORDS = 15  # a line this long with final punctuation is prose, not chrome
_SHORT_WORDS = 8


@dataclass
class DumpArticle:
    title: str
    source: str | None
    published: PageDate
    body: str


@dataclass
class _Stamp:
    line: int
    time: str
    prefix: str


def _words(line: str) -> list[str]:
    return _WORD.findall(line.lower())


def _stamp(line: str) -> _Stamp | None:
    match = _RELATIVE.search(line)
    if not match:
        return None
    prefix = line[: match.start()].strip(_SEPARATORS)
    if len(prefix.split()) > _MAX_STAMP_PREFIX_WORDS or _SENTENCE_END.search(prefix):
        return None
    time = " ".join(match.group("time").split())
    time = re.sub(rf"^(\d+)({_UNIT})", r"\1 \2", time, flags=re.IGNORECASE)  # "3days ago"
    return _Stamp(line=-1, time=time, prefix=prefix)


def _is_label(prefix: str) -> bool:
    """An icon's alt text or a stamp verb glued to the time ("time", "Updated"), not an outlet name."""
    return not prefix or prefix == prefix.lower() or prefix.lower() in _STAMP_VERBS


def _is_paragraph(line: str) -> bool:
    return len(_words(line)) >= _PARAGRAPH_WORDS and bool(_SENTENCE_END.search(line))


def _is_short(line: str) -> bool:
    return len(_words(line)) <= _SHORT_WORDS and not _is_paragraph(line)


def _neighbours(lines: list[str], index: int) -> tuple[str | None, str | None]:
    """The nearest non-empty lines above and below."""
    above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i]), None)
    below = next((lines[i] for i in range(index + 1, len(lines)) if lines[i]), None)
    return above, below


def find_stamps(lines: list[str]) -> list[_Stamp]:
    """Stamp lines in order. A line printed twice in a row is a title ("Flood a year ago"), not a stamp."""
    stamps = []
    for index, line in enumerate(lines):
        found = _stamp(line) if line else None
        if found and line in _neighbours(lines, index):
            found = None
        if found:
            found.line = index
            stamps.append(found)
    return stamps


def _header(lines: list[str], stamp: _Stamp, floor: int) -> tuple[int, str, str | None]:
    """(first line of the title block, title, standalone source line) above a stamp."""
    window = [(i, lines[i]) for i in range(stamp.line - 1, floor - 1, -1) if lines[i]]
    counts = Counter(text for _, text in window)
    title_index = None
    for i, text in window:  # nearest repeated line going up: the template's title block
        if counts[text] >= 2 and len(_words(text)) >= 2:
            title_index = i
            break
    if title_index is None:  # no repetition: the nearest line going up that is not a short outlet line
        candidates = [(i, t) for i, t in window if len(_words(t)) >= 3 and not _is_paragraph(t)]
        if not candidates:
            candidates = window
        if not candidates:
            return stamp.line, "", None
        title_index = candidates[0][0]
    title = lines[title_index]
    start = index = title_index
    while index > floor and (not lines[index - 1] or lines[index - 1] == title):
        index -= 1  # extend the block upwards over the adjacent repeats of the title
        if lines[index] == title:
            start = index
    between = [t for i, t in window if title_index < i < stamp.line and t != title and _is_short(t)]
    return start, title, between[-1] if between else None


def _source(stamp: _Stamp, standalone: str | None, after: list[str]) -> str | None:
    """Outlet line between title and stamp, else the stamp's prefix, else a bullet below it."""
    if standalone:
        return standalone.strip(_SEPARATORS)
    if not _is_label(stamp.prefix):
        return stamp.prefix
    for line in after:
        bullet = _BULLET.match(line)
        if bullet:
            return bullet.group("text").strip()
    return None


def _trim_tail(lines: list[str]) -> list[str]:
    """Cut at the first short line after which prose is scarcer than chrome."""
    paragraphs = shorts = 0
    cut = len(lines)
    for index in range(len(lines) - 1, -1, -1):  # suffix counts, so one pass however long the dump
        paragraphs += _is_paragraph(lines[index])
        shorts += _is_short(lines[index])
        if _is_short(lines[index]) and paragraphs < 2 and paragraphs < shorts:
            cut = index
    return lines[:cut]


def _body(region: list[str], title: str, source: str | None, repeated: set[str]) -> str:
    kept: list[str] = []
    for line in region:
        if not line or line == title or line in repeated:
            continue
        bullet = _BULLET.match(line)
        if bullet and source and bullet.group("text").strip() == source:
            continue
        if not kept and _is_short(line) and not _SENTENCE_END.search(line):
            continue  # outlet / label lines between the stamp and the first paragraph
        kept.append(line)
    return "\n".join(_trim_tail(kept))


def split_dump(text: str) -> list[DumpArticle]:
    """Articles in page order, the main one first; [] when the text has no stamp line."""
    lines = [" ".join(line.split()) if line.strip() else "" for line in text.splitlines()]
    stamps = find_stamps(lines)
    if not stamps:
        return []
    headers = []
    floor = 0
    for stamp in stamps:
        headers.append(_header(lines, stamp, floor))
        floor = stamp.line + 1
    # A line printed in two or more articles' regions is template chrome ("Comments", a logo text).
    regions = []
    for k, stamp in enumerate(stamps):
        end = headers[k + 1][0] if k + 1 < len(stamps) else len(lines)
        regions.append(lines[stamp.line + 1 : end])
    seen_in = Counter(line for region in regions for line in set(region) if line)
    repeated = {line for line, n in seen_in.items() if n >= 2 and _is_short(line)}
    articles = []
    for stamp, (_, title, standalone), region in zip(stamps, headers, regions, strict=True):
        source = _source(stamp, standalone, [t for t in region if t][:4])
        body = _body(region, title, source, repeated - {title})
        if title and body:
            articles.append(
                DumpArticle(
                    title=title,
                    source=source,
                    published=PageDate(text=stamp.time, origin="relative"),
                    body=body,
                )
            )
    return articles
