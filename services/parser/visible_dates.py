"""The date a reader sees under the headline: "Written: 2023-11-07 15:03", "17/02/2022", "24. August 2019".

Pages without structured data still print their date in the byline, in an
element whose class or id says so (``date``, ``time``, ``datum``, ``fecha``,
``byline``, ``meta``...). The first such short element after the headline,
outside teaser and "related" lists, comment threads, navigation and footers,
is the story's own; a stamp that says it is an update ("Updated", "Letzte
Änderung", "mis à jour") is a modification date and is skipped (in "Written:
2023-11-07 / Updated: 2023-11-08" only the part before the update counts). Dates of
other stories (teasers), of comments and of the copyright line are exactly
what this avoids and a whole-page scan (htmldate's extensive search) picks up.

    >>> from lxml import html
    >>> tree = html.fromstring('<html><body><h1>Plan</h1><p class="date">Written: 2023-11-07 15:03:30</p>'
    ...                        '<div class="teaser"><p class="date">2023-11-03</p></div></body></html>')
    >>> byline_stamps(tree, ["en"])[0][0]
    'Written: 2023-11-07 15:03:30'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from services.parser.relative_dates import looks_relative
from services.parser.stamps import Stamp, read_stamp

_DATED_NAME = re.compile(r"date|time|datum|fecha|data|byline|posted|publi|meta|zeit", re.IGNORECASE)
# Small elements with a class or id: a byline holds a few inline children at most, and
# reading the text of a large container (class "metadata" around the whole story) is
# what would make this cost more than the rest of the date choice.
_NAMED = XPath("//body//*[@class or @id][count(*) < 6]")
_HEADLINES = XPath("(//h1)[position() <= 3]")
_SITE_LOGO = re.compile(r"logo|brand|site-?(?:name|title)", re.IGNORECASE)
# Containers whose dates belong to other stories, readers or the site.
_ELSEWHERE = re.compile(
    r"teaser|related|recommend|similar|more-|popular|trending|widget|sidebar|comment|reply|footer|"
    r"\bnav|menu|breadcrumb|newsletter|\bad-|advert|promo|archive|calendar|event|weather|ticker|"
    r"copyright|cookie",
    re.IGNORECASE,
)
_UPDATE_WORDS = re.compile(
    r"updat|modif|änder|aktualisiert|bearbeitet|mis à jour|actualiz|aggiornat|bijgewerkt|atualizad|"
    r"обновл|оновл|zaktualizowan|edited|revised|©|copyright",
    re.IGNORECASE,
)
_MAX_TEXT_CHARS = 100
_MAX_ELEMENTS = 40
_MAX_ANCESTORS = 8
_STORY_LEVELS = 3  # the story headline's enclosing blocks (news item, article, column) that may hold its byline


# A labelled "Erschienen am" may stand in the page's footer; a teaser's or a comment's may not.
_OTHER_STORIES = re.compile(
    r"teaser|related|recommend|similar|popular|trending|widget|sidebar|comment|reply|promo", re.IGNORECASE
)


def _elsewhere(
    element: HtmlElement, containers: re.Pattern[str] = _ELSEWHERE, tags: tuple[str, ...] = ("footer", "nav", "aside")
) -> bool:
    node = element
    for _ in range(_MAX_ANCESTORS):
        node = node.getparent()
        if node is None:
            return False
        if node.tag in tags or containers.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


def _is_logo(h1: HtmlElement) -> bool:
    links = h1.findall(".//a")
    names = " ".join(f"{e.get('class', '')} {e.get('id', '')}" for e in (h1, *links))
    return bool(_SITE_LOGO.search(names)) or any(a.get("href") == "/" for a in links)


def _story_container(tree: HtmlElement) -> tuple[int, set[HtmlElement]]:
    """Where bylines start (the first ``<h1>``'s line) and, when that ``<h1>`` is the site's logo, the story's blocks.

    A logo ``<h1>`` often has the day's date beside it ("Mittwoch, 26.02.2020");
    a byline between it and the story's own ``<h1>`` counts only inside the
    blocks around the story's headline (a news item's date may precede its title).
    """
    headlines = _HEADLINES(tree)
    if not headlines:
        return 0, set()
    first = headlines[0]
    story = next((h1 for h1 in headlines if not _is_logo(h1)), None)
    if story is None or story is first:
        return first.sourceline or 0, set()
    blocks = [node for node in list(story.iterancestors())[:_STORY_LEVELS] if node.tag not in ("body", "html")]
    return first.sourceline or 0, set(blocks)


def _inside(element: HtmlElement, blocks: set[HtmlElement]) -> bool:
    return any(node in blocks for node in list(element.iterancestors())[:_MAX_ANCESTORS])


def byline_texts(tree: HtmlElement) -> Iterator[str]:
    """Texts of the short, dated-by-name elements after the headline, outside other stories, in page order."""
    after, story_blocks = _story_container(tree)
    story_line = min((e.sourceline or 0 for e in story_blocks), default=0)
    seen = 0
    for element in _NAMED(tree):
        line = element.sourceline or 0
        if element.tag in ("script", "style", "time") or line < after:
            continue
        if story_blocks and line < story_line and not _inside(element, story_blocks):
            continue
        if not _DATED_NAME.search(f"{element.get('class', '')} {element.get('id', '')}"):
            continue
        seen += 1
        if seen > _MAX_ELEMENTS:
            return
        text = " ".join(element.text_content().split())
        if text and len(text) <= _MAX_TEXT_CHARS and not _elsewhere(element):
            yield text


def byline_stamps(tree: HtmlElement, languages: list[str], limit: int = 1) -> list[tuple[str, Stamp]]:
    """(text, stamp) of the first ``limit`` dated byline elements after the headline, in page order."""
    found: list[tuple[str, Stamp]] = []
    for text in byline_texts(tree):
        if not re.search(r"\d", text):
            continue
        if looks_relative(text, languages):
            break  # the story's stamp is relative ("prije 26 minuta"): later dates are other stories'
        # "Written: 2023-11-07 15:03 / Updated: 2023-11-08": the part before the update is ours.
        text = _UPDATE_WORDS.split(text, maxsplit=1)[0].strip(" /|·-–")
        if not re.search(r"\d", text):
            continue
        stamp = read_stamp(_after_label(text), languages)
        if stamp is not None:
            found.append((text, stamp))
            if len(found) >= limit:
                break
    return found


# Words that say the date after them is the publication ("Erschienen am: 01.11.2023",
# "Publié le 9 juin 2019"); "Letzte Änderung: 31.10.2023" beside it is what they outrank.
_PUBLISHED_LABEL = re.compile(
    r"\b(?:erschienen|ver(?:ö|oe)ffentlicht|publiziert|published|posted|publié|publicado|pubblicato|"
    r"gepubliceerd|opublikowano|опубликовано|опубліковано|objavljeno)\b"
    r"(?:\s+(?:am|on|le|el|il|em|op|dnia|at))?\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_MODIFIED_LABEL = re.compile(
    r"\b(?:(?:last\s+)?(?:updated|modified|edited)(?:\s+(?:on|at))?|letzte\s+(?:Änderung|aktualisierung)|"
    r"zuletzt\s+(?:geändert|aktualisiert)|aktualisiert(?:\s+am)?|geändert\s+am|mis\s+à\s+jour(?:\s+le)?|"
    r"actualizado(?:\s+el)?|aggiornato(?:\s+il)?|bijgewerkt(?:\s+op)?|обновлено|оновлено|zaktualizowano)"
    r"\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_TEXTS = XPath("//body//text()")
_LABEL_WINDOW = 60
_MAX_LABELS = 3


def visible_texts(tree: HtmlElement) -> list[Any]:
    """The page's text nodes outside scripts and styles, in page order (each knows its element)."""
    return [t for t in _TEXTS(tree) if t.getparent() is not None and t.getparent().tag not in ("script", "style")]


def labelled_stamps(texts: list[Any], languages: list[str]) -> list[tuple[str, Stamp]]:
    """(text, stamp) of the first visible date the page labels as its publication, outside other stories.

    ``texts`` are ``visible_texts(tree)``. The date may sit in the label's text
    node or in the next ones ("Veröffentlicht am <span>16.08.2019</span>").
    """
    for text, stamp in _labelled(texts, languages, _PUBLISHED_LABEL, _UPDATE_WORDS):
        return [(text, stamp)]
    return []


def modified_stamps(texts: list[Any], languages: list[str]) -> list[Stamp]:
    """Stamps the page's visible text labels as a modification ("last edited: 17 Jun 2018 15:15")."""
    return [stamp for _, stamp in _labelled(texts, languages, _MODIFIED_LABEL, _PUBLISHED_LABEL)]


def _labelled(
    texts: list[Any], languages: list[str], label: re.Pattern[str], stop: re.Pattern[str]
) -> Iterator[tuple[str, Stamp]]:
    tried = 0
    for index, node in enumerate(texts):
        match = label.search(node)
        if match is None or _elsewhere(node.getparent(), _OTHER_STORIES, ("aside",)):
            continue
        tried += 1
        if tried > _MAX_LABELS:
            return
        after = node[match.end() :]
        for following in texts[index + 1 : index + 6]:
            if len(after) >= _LABEL_WINDOW:
                break
            after += " " + following
        after = stop.split(" ".join(after.split())[:_LABEL_WINDOW], maxsplit=1)[0]
        stamp = _leading_stamp(after, languages)
        if stamp is not None:
            yield " ".join(f"{match.group(0)}{after}".split()), stamp


def _leading_stamp(text: str, languages: list[str]) -> Stamp | None:
    """The stamp that opens ``text``, read from its longest parsable run of words (at most six tries)."""
    words = text.split()[:8]
    for end in range(len(words), max(0, len(words) - 6), -1):
        if end < 2 and not re.search(r"\d{4}", words[0] if words else ""):
            break
        stamp = read_stamp(_after_label(" ".join(words[:end])), languages)
        if stamp is not None:
            return stamp
    return None


def _after_label(text: str) -> str:
    """ "Written: 2023-11-07 15:03" -> "2023-11-07 15:03"; "Von Anna Berg | 24.08.2019" -> "24.08.2019"."""
    match = re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\s?\d{1,2}[./]\s?\d{4}", text)
    if match:
        return text[match.start() :]
    return re.sub(r"^[^\d]*?[:|·•]\s*", "", text)
