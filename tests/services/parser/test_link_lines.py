"""In-body promotion (related-story lists, DON'T MISS / READ MORE inserts) is removed by structure."""

import pytest

from services.parser.html import _anchor_texts, drop_link_lines, extract_html

pytestmark = pytest.mark.unit

_PROSE = "<p>" + "The council met on Monday and agreed a new budget for the schools of the town. " * 3 + "</p>"


def test_link_headlines_inside_the_body_are_dropped_and_prose_with_links_is_kept():
    page = f"""<html><head><title>Budget agreed</title></head><body><article>
    <h1>Budget agreed</h1>
    {_PROSE}
    <p><strong>DON'T MISS:</strong> <a href="/a">Five things the mayor did not tell you</a> [INSIGHT]</p>
    <ul><li><a href="/b">Storm closes the coastal road for the second time</a></li>
        <li><a href="/c">Local team wins the cup after a penalty shoot-out</a></li></ul>
    <p>The mayor said the <a href="/d">plan for the new library building</a> would wait until spring.</p>
    {_PROSE}
    </article></body></html>"""
    body = extract_html(page.encode()).body
    assert "Five things" not in body and "Storm closes" not in body and "Local team" not in body
    assert "The mayor said the plan for the new library building would wait until spring." in body


def test_short_link_texts_such_as_product_names_are_no_headlines():
    from lxml.html import fromstring

    tree = fromstring('<div><a href="/p">Performance Energize Drink</a><a href="/s">Storm closes the coastal road '
                      'again</a><a href="/u">http://amzn.to/2iJFhRj x y z w</a></div>')
    anchors = _anchor_texts(tree)
    assert anchors == {"Storm closes the coastal road again"}
    body = "Performance Energize Drink" + chr(10) + "READ MORE: Storm closes the coastal road again" + chr(10) + "It rained."
    assert drop_link_lines(body, anchors) == "Performance Energize Drink" + chr(10) + "It rained."
