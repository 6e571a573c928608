"""Turn page bytes (HTML, text dumps, plain text) into text without mojibake.

Crawled pages lie about their encoding often enough that a declared charset
is a hint, not a fact. The order of trust:

1. a byte-order mark (it cannot be there by accident);
2. the HTTP ``Content-Type`` charset, then the ``<meta>`` charset, each used
   only when the bytes decode under it *and* it is not a single-byte charset
   contradicted by valid multi-byte UTF-8 in the page (the classic
   "declared latin-1, really UTF-8" page that would otherwise turn "é" into "Ã©");
3. strict UTF-8;
4. charset-normalizer's best guess, then windows-1252 with replacement
   characters as the last resort that always succeeds.

    >>> decode_bytes("café".encode("cp1252"))
    ('café', 'cp1252')
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_HEAD_BYTES = 4096
_DETECT_BYTES = 256 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# WHATWG: browsers decode these labels as windows-1252, which is a superset for printable text.
_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1", "us-ascii", "ascii", "cp819", "windows-1252"}


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp12", "iso8859", "latin", "mac-", "koi8", "cp8", "cp43", "cp85", "cp86"))


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when the bytes hold non-ASCII text that is valid UTF-8."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_charset(data: bytes) -> str | None:
    """The charset named by a ``<meta>`` tag in the first few kilobytes."""
    match = _META_CHARSET.search(data[:_HEAD_BYTES])
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> str | None:
    """charset-normalizer's pick, with windows-1252 winning ties.

    Short Western text often decodes with equal "chaos" under cp1250, cp1252
    and cp1257; only cp1252 is right for most of the unlabelled web (it is the
    WHATWG default), so among the equally good readings it is preferred.
    """
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence - 0.01
        if tied and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    codec = normalise_charset(best.encoding)
    # Without a BOM, a UTF-16/32 guess is nearly always a misread of short single-byte text.
    if codec and codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return None
    return codec


def decode_bytes(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (text, codec actually used)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data, codec)
            if text is not None:
                return text, codec
    for declared in (normalise_charset(http_charset), declared_charset(data)):
        if declared is None or declared in ("utf-16", "utf-32"):  # a <meta> in ASCII bytes cannot really be UTF-16
            continue
        if declared != "utf-8" and _is_single_byte(declared) and _has_utf8_multibyte(data):
            return data.decode("utf-8"), "utf-8"
        text = _try(data, declared)
        if text is not None:
            return text, declared
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    guessed = _guess(data[:_DETECT_BYTES])
    if guessed:
        text = _try(data, guessed)
        if text is not None:
            return text, guessed
    return data.decode("cp1252", errors="replace"), "cp1252"
