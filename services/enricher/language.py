"""Language of an article, with a calibrated confidence.

``py3langid`` (a maintained, numpy-only port of langid.py: 97 languages, no
model download, ~1 ms per article) with normalised probabilities, so the
confidence is a probability in [0, 1] rather than a raw log score. The title
is included because short bodies (teasers, related-article blurbs) carry too
few features on their own. Only the first ``SAMPLE_CHARS`` characters are
classified (see the constant for why). The language a page declares is kept
separately on the ``Article``; this is what the text itself says.

    >>> detect("Delegations from Russia and Ukraine gathered in Turkiye on Monday.")[0]
    'en'
"""

from __future__ import annotations

from functools import lru_cache

# The classifier's cost grows with text length while its answer settles within a
# few hundred characters; the opening (title + first paragraphs) decides. A page
# mixing languages is reported by the language of its opening.
SAMPLE_CHARS = 500


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load() -> None:
    """Load the model now rather than on the first ``detect`` (the enricher does so before ``gc.freeze``)."""
    _identifier()


def detect(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability), or (None, None) for text without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, None
    code, probability = _identifier().classify(sample)
    return code, round(float(probability), 4)
