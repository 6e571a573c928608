import numpy as np
import pytest

from services.enricher import dedup
from services.enricher.dedup import MemoryDuplicateIndex

pytestmark = pytest.mark.unit


def test_syndicated_copy_with_a_new_intro_line_is_a_duplicate(seed_texts):
    story = seed_texts["seed_related_kim"]
    copy = "SEOUL (Agency) \u2014 From our correspondents in the region, a developing story.\n" + story
    index = MemoryDuplicateIndex()
    assert index.find_or_add("original", dedup.signature(story)) is None
    assert index.find_or_add("copy", dedup.signature(copy)) == "original"


def test_a_different_story_on_the_same_event_is_not_a_duplicate(seed_texts):
    index = MemoryDuplicateIndex()
    index.find_or_add("main", dedup.signature(seed_texts["seed_main"]))
    assert index.find_or_add("kim", dedup.signature(seed_texts["seed_related_kim"])) is None
    assert index.find_or_add("pentagon", dedup.signature(seed_texts["seed_related_pentagon"])) is None


def test_redelivering_the_original_does_not_flip_the_relation(seed_texts):
    story = seed_texts["seed_main"]
    index = MemoryDuplicateIndex()
    index.find_or_add("original", dedup.signature(story))
    index.find_or_add("copy", dedup.signature("Updated: " + story))
    assert index.find_or_add("original", dedup.signature(story)) is None
    assert index.find_or_add("copy", dedup.signature("Updated: " + story)) == "original"


def test_fingerprint_round_trips():
    sig = dedup.signature("Delegations from Russia and Ukraine gathered in Turkiye on Monday")
    fingerprint = dedup.encode(sig)
    assert fingerprint.startswith("minhash64:")
    assert np.array_equal(dedup.decode(fingerprint), sig)


def test_similarity_estimates_overlap():
    words = [f"w{i}" for i in range(400)]
    same = dedup.signature(" ".join(words))
    half = dedup.signature(" ".join(words[:200] + [f"x{i}" for i in range(200)]))
    assert dedup.similarity(same, same) == 1.0
    assert 0.15 < dedup.similarity(same, half) < 0.6


@pytest.mark.parametrize(
    "text",
    ["", "one", "two words", "exactly five words in here", "İstanbul İzmir and Ankara held talks on Monday again",
     "The ﬁrst STRASSE straße ran six full words long, then more words followed."],
)
def test_signature_shingles_every_word_five_gram_lower_cased(text):
    """The fast shingling (whole-text lowering for ASCII, zipped n-grams) equals the plain definition."""
    from datasketch import MinHash
    import zlib

    words = [w.lower() for w in dedup._WORD.findall(text)]
    n = min(dedup.SHINGLE_WORDS, len(words)) or 1
    shingles = {" ".join(words[i : i + n]).encode("utf-8") for i in range(max(len(words) - n + 1, 1))}
    expected = MinHash(num_perm=dedup.NUM_PERM, seed=1, scheme="affine32", hashfunc=zlib.crc32)
    expected.update_batch(list(shingles))
    assert np.array_equal(dedup.signature(text), expected.hashvalues.astype(np.uint32))
