"""Outlet name and domain from what a page says about itself: the kinds of noise real pages have."""

import pytest

from services.parser.source import Source, choose_source, registered_domain

pytestmark = pytest.mark.unit


def test_registered_domain_uses_the_bundled_suffix_list():
    assert registered_domain("https://www.express.co.uk/news/world/1") == "express.co.uk"
    assert registered_domain("https://edition.cnn.com/2019/x") == "cnn.com"
    assert registered_domain(None) is None and registered_domain("not a url") is None


@pytest.mark.parametrize(("sites", "publishers", "url", "expected"), [
    (["U.S."], ["Reuters"], "https://www.reuters.com/article/x", Source("Reuters", "reuters.com")),  # a section
    (["https://www.newsnation.in"], ["News Nation"], "https://www.newsnation.in/a", Source("News Nation", "newsnation.in")),
    (["LinkNaija | Nigeria's popular news platform"], ["Blogger"], "https://www.linknaija.com/a",
     Source("LinkNaija", "linknaija.com")),  # a tagline, a hosting platform
    (["TheHill"], ["The Hill"], "https://thehill.com/x", Source("The Hill", "thehill.com")),
    (["the Guardian"], [], "https://www.theguardian.com/x", Source("The Guardian", "theguardian.com")),
    (["@politifact"], [], "https://www.politifact.com/x", Source("PolitiFact", "politifact.com")),
    ([], [], "https://www.nytimes.com/2019/x.html", Source("The New York Times", "nytimes.com")),  # names none
    ([], [], "https://www.catchitkansas.com/x", Source("catchitkansas.com", "catchitkansas.com")),
    (["Connecticut Post"], ["Associated Press"], "https://www.ctpost.com/x", Source("Connecticut Post", "ctpost.com")),
    (["The Gazette"], [], None, Source("The Gazette", None)),  # a text dump's stamp line, no URL
])
def test_outlet_is_chosen_by_agreement_with_the_domain(sites, publishers, url, expected):
    assert choose_source(sites, publishers, url) == expected


def test_syndicated_page_keeps_the_original_publisher():
    assert choose_source(["MSN"], ["CNN"], "https://www.msn.com/en-us/news/x") == Source("CNN", "cnn.com")
    assert choose_source(["MSN"], [], "https://www.msn.com/en-us/news/x") == Source("MSN", "msn.com")
