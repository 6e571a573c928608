"""Decoding page bytes: honour declared charsets, detect when absent or wrong, never mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.parser.encoding import decode_bytes, declared_charset, normalise_charset
from services.parser.html import extract_html

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "parser"
MOJIBAKE = ("Ã©", "Ã¨", "â€", "Ã¢", "\ufffd")


@pytest.mark.parametrize(
    "name", ["cp1252_no_charset.html", "wrong_meta_charset.html", "declared_latin1_really_utf8.html"]
)
def test_accented_pages_decode_cleanly_whatever_they_declare(name):
    page = extract_html((FIXTURES / name).read_bytes())
    assert page.meta.title == "Café culture returns to the old town"
    assert "crème brûlée" in page.body and "Hélène Lefèvre" in page.body
    assert not any(bad in page.body for bad in MOJIBAKE)


def test_encoding_used_is_recorded():
    assert extract_html((FIXTURES / "cp1252_no_charset.html").read_bytes()).encoding == "cp1252"
    assert extract_html((FIXTURES / "declared_latin1_really_utf8.html").read_bytes()).encoding == "utf-8"


def test_http_charset_is_honoured_when_the_bytes_agree():
    data = "<p>Привет, мир. Сегодня хорошая погода.</p>".encode("koi8_r")
    assert decode_bytes(data, http_charset="KOI8-R") == ("<p>Привет, мир. Сегодня хорошая погода.</p>", "koi8-r")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Les élèves ont été très heureux de découvrir la forêt, où ils ont vu des cerfs.", "cp1252"),
        ("Ein schöner Tag in München, die Straßen waren voll und größer als je zuvor.", "cp1252"),
        ("Привет, как дела? Сегодня хорошая погода в Москве, сказал он.", "cp1251"),
        ("Zażółć gęślą jaźń, powiedział Łukasz w środę rano w Krakowie.", "cp1250"),
    ],
)
def test_undeclared_single_byte_text_is_detected(text, codec):
    assert decode_bytes(text.encode(codec))[0] == text


def test_byte_order_mark_wins():
    assert decode_bytes("<p>é</p>".encode("utf-16")) == ("<p>é</p>", "utf-16")


def test_charset_labels():
    assert normalise_charset("ISO-8859-1") == "cp1252"  # as browsers do
    assert normalise_charset("no-such-charset") is None
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">') == "shift_jis"
