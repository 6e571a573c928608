import pytest

from shared.identity import article_id, normalise_url, raw_id

pytestmark = pytest.mark.unit


def test_same_url_in_different_dress_is_one_article():
    a = article_id(url="https://WWW.example.com/news/story/?utm_source=feed&id=7#comments")
    b = article_id(url="https://www.example.com/news/story?id=7")
    assert a == b


def test_meaningful_query_parameters_keep_articles_apart():
    assert article_id(url="https://example.com/story?id=7") != article_id(url="https://example.com/story?id=8")


def test_without_url_identity_ignores_whitespace_and_case_but_not_words():
    one = article_id(source="The Hindu", title="Talks  resume", body="Delegations met on Monday.")
    two = article_id(source="the hindu", title="Talks resume", body="delegations   met on monday")
    other = article_id(source="The Hindu", title="Talks resume", body="Delegations met on Tuesday.")
    assert one == two
    assert one != other


def test_raw_id_is_sha256_of_bytes():
    assert raw_id(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_normalise_url_keeps_path_case():
    assert normalise_url("HTTPS://Example.COM/A/b/") == "https://example.com/A/b"
