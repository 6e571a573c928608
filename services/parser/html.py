"""Article body and metadata from one HTML page.

Bytes come from a dropped ``.html`` file, a JSON record's ``html`` field or a
WARC response payload; out goes an ``HtmlPage`` that ``parse.py`` turns into
an ``Article``. The body is trafilatura's, tuned for precision: its
``favor_precision`` mode with comment sections pruned scored best on the
article-extraction benchmark (see ``newsflow eval extraction``), because news
pages lose far more quality to boilerplate (related links, comment threads,
newsletter boxes) than to missed paragraphs. The tree is parsed once and
shared by the metadata and body passes. What trafilatura keeps of in-body
promotion (related-story lists, "DON'T MISS: <headline> [INSIGHT]") is then
removed by structure: lines that are the text of one of the page's links
(``drop_link_lines``).

    >>> page = extract_html(b"<html><head><title>T</title></head><body><article><p>"
    ...                     + b"A sentence that is long enough to count as text. " * 10
    ...                     + b"</p></article></body></html>")
    >>> page.body.startswith("A sentence"), page.encoding
    (True, 'utf-8')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from services.parser.encoding import decode_bytes
from services.parser.metadata import PageMeta, read_metadata
from shared.errors import BadInputError

_WORDS = re.compile(r"\w+")
_LOWER_WORD = re.compile(r"\b[^\W\d_]*[a-z\u00df-\u00ff][^\W\d_]*\b")  # a word with a lower-case letter: prose
# A headline has words; shorter link texts are names ("16-inch MacBook Pro"), product lists, URLs.
_MIN_HEADLINE_WORDS = 4
# What is left of a promotion line once its link is out: a short label and a colon ("Related post:").
_LABEL_ONLY = re.compile(r"^\W*(?:\w+\W+){0,2}\w+\s*:\W*$")
# Elements trafilatura discards anyway; removing them once up front spares the copies
# its cascade makes of the tree (about 5% of the time, identical output on the benchmark).
_NEVER_TEXT = ("script", "style", "noscript", "template", "svg", "canvas", "video", "audio", "picture", "map")
_DOCUMENT = re.compile(r"<(?:html|head|body)[\s>]", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class HtmlPage:
    body: str
    meta: PageMeta
    encoding: str | None


def extract_body(tree: HtmlElement, url: str | None) -> str:
    """Main text of the page, paragraphs separated by newlines ('' when none)."""
    document = trafilatura.bare_extraction(
        tree, url=url, favor_precision=True, include_comments=False, include_tables=True
    )
    return (document.text or "").strip() if document is not None else ""


def drop_title_line(body: str, title: str | None) -> str:
    """Remove a leading headline line: the title is its own field, never part of the body.

    Trafilatura keeps an in-article ``<h1>`` as the first line on many layouts;
    on the benchmark dropping it raised precision with no loss of recall.
    """
    first, _, rest = body.partition("\n")
    if title and _WORDS.findall(first.lower()) == _WORDS.findall(title.lower()):
        return rest.strip()
    return body


def _anchor_texts(tree: HtmlElement) -> set[str]:
    """Texts of the page's links of four words or more: headlines that point somewhere else."""
    texts = set()
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        if len(text.split()) >= _MIN_HEADLINE_WORDS and "://" not in text:
            texts.add(text)
    return texts


def drop_link_lines(body: str, anchors: set[str]) -> str:
    """Remove body lines that are link headlines, alone or under a label, not prose.

    Related-story lists and in-body promotion ("DON'T MISS: <headline> [INSIGHT]",
    "READ MORE: <headline>") survive extraction as lines that are a link's text; what is
    left of such a line once its links are taken out holds no lower-case word (only a
    label in capitals, brackets, punctuation). A paragraph with an inline link keeps its
    prose around the link, so it stays. Structure decides, not the words of any site.

        >>> drop_link_lines("DON'T MISS: Five things we learned today [INSIGHT]\\nHe said so.", {"Five things we learned today"})
        'He said so.'
    """
    if not anchors:
        return body
    kept = []
    for line in body.split("\n"):
        rest = line
        for anchor in anchors:
            if anchor in rest:
                rest = rest.replace(anchor, " ")
        if rest != line and (not _LOWER_WORD.search(rest) or _LABEL_ONLY.match(rest)):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def extract_html(
    data: bytes | str, url: str | None = None, http_charset: str | None = None, fetched_at: datetime | None = None
) -> HtmlPage:
    """Decode, parse and extract one page; raises BadInputError when no text is found.

    ``fetched_at`` bounds the publication date (nothing is published after it was
    fetched) and anchors relative stamps ("vor 3 Stunden").
    """
    if isinstance(data, bytes):
        text, encoding = decode_bytes(data, http_charset)
    else:
        text, encoding = data, None
    # lxml refuses str input that still carries an encoding declaration.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not _DOCUMENT.search(text, 0, 5000):
        # A fragment ("<p>..." saved from a page): trafilatura rejects single-block input
        # that does not start like a document, so give it one.
        text = f"<html><body>{text}</body></html>"
    tree = load_html(text)
    if tree is None:
        raise BadInputError("The page could not be parsed as HTML.")
    meta = read_metadata(tree, url, fetched_at)  # first: JSON-LD lives in the scripts stripped next
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    anchors = _anchor_texts(tree)
    body = drop_link_lines(drop_title_line(extract_body(tree, url), meta.title), anchors)
    if not body:
        raise BadInputError("No article text was found in the HTML page.")
    return HtmlPage(body=body, meta=meta, encoding=encoding)
