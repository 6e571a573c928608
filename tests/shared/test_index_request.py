"""The enricher -> indexer message carries what the document needs, and nothing the index drops."""

from __future__ import annotations

from datetime import datetime, timezone

import orjson
import pytest
from pydantic import ValidationError

from services.indexer.documents import to_document
from shared.models import Article, EnrichedArticle, Entity, IndexRequest, Mention

pytestmark = pytest.mark.unit

INDEXED_AT = datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)


def _enriched(mentions: int = 30) -> EnrichedArticle:
    body = "Kim spoke. " * mentions
    entity = Entity(
        type="person", name="Kim", count=mentions, first_offset=0, entity_id="person:kim", aliases=["K."],
        mentions=[Mention(text="Kim", start=11 * i, end=11 * i + 3) for i in range(mentions)],
    )  # fmt: skip
    article = Article(article_id="a1", raw_id="f" * 64, position=0, source_format="text", title="Kim", body=body)
    return EnrichedArticle(
        article=article, enricher_version="1", enriched_at=INDEXED_AT, entities=[entity], keywords=["kim"]
    )


def test_the_index_message_builds_the_same_document_as_the_full_result():
    enriched = _enriched()
    sent = IndexRequest.model_validate_json(orjson.dumps(enriched.index_payload()))  # as the queue carries it

    assert to_document(sent, indexed_at=INDEXED_AT) == to_document(enriched, indexed_at=INDEXED_AT)


def test_the_index_message_leaves_out_mention_lists_and_defaults():
    enriched = _enriched()
    payload = enriched.index_payload()

    assert "mentions" not in payload["entities"][0] and "entity_id" not in payload["entities"][0]
    assert "language" not in payload  # None: left out, restored on reading
    assert len(str(payload)) < len(str(enriched.model_dump(mode="json"))) / 2


def test_an_index_message_sent_before_the_slim_contract_still_validates():
    """Full EnrichedArticle payloads still queued or dead-lettered at an upgrade index as before."""
    enriched = _enriched()
    old_payload = enriched.model_dump(mode="json")

    assert IndexRequest.model_validate(old_payload) == enriched.for_index()


def test_unknown_entity_fields_are_still_refused():
    payload = _enriched().index_payload()
    payload["entities"][0]["salience"] = 0.5

    with pytest.raises(ValidationError):
        IndexRequest.model_validate(payload)
