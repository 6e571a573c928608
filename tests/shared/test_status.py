"""Status accounting against the real Redis: exact under redelivery."""

import pytest

from shared.dead_letters import DeadLetterStore, build_dead_letter
from shared.errors import BadInputError
from shared.models import RawPageRef, utc_now
from shared.status import StatusStore

pytestmark = pytest.mark.integration

RAW = "a" * 64


def _ref(name="page.html"):
    return RawPageRef(raw_id=RAW, filename=name, size_bytes=3, received_at=utc_now())


def test_same_bytes_are_registered_once(redis_client, unique_prefix):
    store = StatusStore(redis_client, unique_prefix)
    assert store.register(_ref("a.html")) is True
    assert store.register(_ref("copy-of-a.html")) is False
    assert store.get(RAW).filename == "a.html"
    assert store.ref(RAW).filename == "a.html"


def test_file_is_indexed_only_when_every_article_is_and_redelivery_counts_once(redis_client, unique_prefix):
    store = StatusStore(redis_client, unique_prefix)
    store.register(_ref())
    store.set_parsed(RAW, ["a1", "a2"])
    store.mark_article(RAW, "a1", "indexed")
    store.mark_article(RAW, "a1", "indexed")  # redelivered message
    assert store.get(RAW).state == "parsed"
    assert store.counts(RAW)["indexed"] == 1
    store.mark_article(RAW, "a2", "indexed")
    assert store.get(RAW).state == "indexed"


def test_a_failed_article_makes_the_file_partial_with_the_reason(redis_client, unique_prefix):
    store = StatusStore(redis_client, unique_prefix)
    store.register(_ref())
    store.set_parsed(RAW, ["a1", "a2"])
    store.mark_article(RAW, "a1", "indexed")
    store.mark_article(RAW, "a2", "failed", reason="mapping rejected the document")
    status = store.get(RAW)
    assert (status.state, status.reason) == ("partial", "mapping rejected the document")


def test_dead_letters_round_trip_and_refailing_overwrites(redis_client, unique_prefix):
    letters = DeadLetterStore(redis_client, unique_prefix)
    for attempt in (1, 2):
        letters.add(build_dead_letter(stage="parse", exc=BadInputError("empty file"), reason="empty file",
                                      raw_id=RAW, raw_path="/x", attempts=attempt))
    (letter,) = letters.list()
    assert (letter.reason, letter.attempts, letter.raw_id) == ("empty file", 2, RAW)
    assert letters.get(letter.dead_letter_id) == letter


def test_a_batch_of_articles_from_several_files_settles_each_file(redis_client, unique_prefix):
    store = StatusStore(redis_client, unique_prefix)
    other = "b" * 64
    for raw_id, name in ((RAW, "a.html"), (other, "b.html")):
        store.register(RawPageRef(raw_id=raw_id, filename=name, size_bytes=3, received_at=utc_now()))
    store.set_parsed(RAW, ["a1", "a2"])
    store.set_parsed(other, ["b1", "b2"])
    store.mark_articles([(RAW, "a1"), (other, "b1"), (RAW, "a2")], "enriched")
    assert (store.get(RAW).state, store.counts(RAW)["enriched"]) == ("parsed", 2)  # enriched is not done
    store.mark_articles([(RAW, "a1"), (other, "b1"), (RAW, "a2"), (RAW, "a1")], "indexed")
    assert store.get(RAW).state == "indexed"
    assert store.counts(RAW)["indexed"] == 2
    assert store.get(other).state == "parsed"  # b2 is still on its way
    store.mark_articles([(other, "b2")], "failed", reason="rejected")
    assert (store.get(other).state, store.get(other).reason) == ("partial", "rejected")


def test_records_skipped_inside_a_file_are_kept_on_its_status_and_cleared_by_a_reset(redis_client, unique_prefix):
    from shared.models import SkippedRecord

    store = StatusStore(redis_client, unique_prefix)
    store.register(_ref("export.jsonl"))
    skipped = [SkippedRecord(reason="line 3 is not valid JSON"), SkippedRecord(reason="line 5 has no text")]
    store.set_parsed(RAW, ["a1", "a2", "a3", "a4"], records=6, skipped=skipped)
    for article in ("a1", "a2", "a3", "a4"):
        store.mark_article(RAW, article, "indexed")
    status = store.get(RAW)
    assert status.state == "indexed"
    assert status.progress() == "indexed 4 of 6 records, 2 skipped: line 3 is not valid JSON; line 5 has no text"
    assert status.as_dict()["skipped"][1]["reason"] == "line 5 has no text"
    store.reset(RAW)
    assert store.get(RAW).skipped == []


def test_a_dead_letter_is_claimed_once_and_never_when_written_again(redis_client, unique_prefix):
    store = DeadLetterStore(redis_client, unique_prefix)
    letter = build_dead_letter(stage="parse", exc=BadInputError("x"), reason="x", raw_id=RAW, raw_path=None)
    store.add(letter)
    assert store.claim(letter) is True
    assert store.claim(letter) is False  # a second replay running at once gets nothing
    store.add(letter)
    again = build_dead_letter(stage="parse", exc=BadInputError("y"), reason="y", raw_id=RAW, raw_path=None)
    store.add(again)  # the stage failed it again meanwhile: same id, newer record
    assert store.claim(letter) is False
    assert store.get(letter.dead_letter_id).reason == "y"
    assert store.resolve(letter.dead_letter_id[:8]) == [store.get(letter.dead_letter_id)]
