"""The enricher: ``Article`` in, ``EnrichedArticle`` out, no broker involved.

Where data comes from: parsed ``Article`` messages (the task hands them over).
Where it goes: the ``EnrichedArticle`` the task sends to the ``index`` queue.
Each concern lives in its own module; this one only wires them:

    spaCy NER (one ``nlp.pipe`` pass over every body of the batch)
      -> entities (canonical people, organisations, places, groups)
      -> geo (places -> country + coordinates)
      -> dates.scan -> publication (reference date) -> dates.resolve
      -> language, keywords, dedup fingerprint (+ duplicate_of)

Long bodies are never truncated: they are cut at paragraph breaks into pieces
of at most ``MAX_CHUNK_CHARS`` (spaCy's memory use grows with document length)
and the offsets are shifted back, so every offset indexes ``article.body``.

    enricher = Enricher()                       # loads the model once
    [enriched] = enricher.enrich_batch([article])
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from shared.models import Article, EnrichedArticle, utc_now
from shared.settings import Settings
from services.enricher import dates, dedup, keywords, language
from services.enricher.dedup import DuplicateIndex
from services.enricher.entities import Span, extract_entities, load_model
from services.enricher.geo import Gazetteer
from services.enricher.publication import resolve_publication

ENRICHER_VERSION = "1.1.0"
MAX_CHUNK_CHARS = 100_000
_TEMPORAL_LABELS = {"DATE", "TIME"}
DEFAULT_VOCAB_LIMIT: int = Settings.model_fields["enrich_vocab_limit"].default


def chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering ``text`` exactly, cut at newlines, else spaces.

    >>> chunks("aa\\nbb\\ncc", limit=6)
    [(0, 'aa\\nbb\\n'), (6, 'cc')]
    """
    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start, start + limit)
        cut = cut + 1 if cut > start else start + limit
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


class Enricher:
    """Holds the loaded spaCy model, the gazetteer and the duplicate index."""

    def __init__(
        self,
        *,
        duplicates: DuplicateIndex | None = None,
        nlp=None,
        max_chunk_chars: int = MAX_CHUNK_CHARS,
        vocab_limit: int = DEFAULT_VOCAB_LIMIT,
    ) -> None:
        """``nlp`` lets tests and benchmarks share one loaded model; by default it is loaded here.

        ``vocab_limit``: the model's vocabulary keeps the words it meets until its string store
        holds this many strings (``NEWSFLOW_ENRICH_VOCAB_LIMIT``); see ``ner_spans``.
        """
        self.nlp = nlp if nlp is not None else load_model()
        self.max_chunk_chars = max_chunk_chars
        self.vocab_limit = vocab_limit
        self.nlp.max_length = max(self.nlp.max_length, max_chunk_chars + 1)
        self.gazetteer = Gazetteer.shared()
        self.duplicates = duplicates
        # The model, the gazetteer (~300k objects), the language model (two
        # 100k-entry lists, loaded lazily otherwise) and the MinHash permutations
        # live as long as the process: loaded all now, so that the worker's start-up
        # hook can move them out of the cyclic collector's reach in one go
        # (``shared.worker.freeze_long_lived``: measured ~9% of enrichment time).
        language.load()
        dedup.load()

    def ner_spans(self, texts: list[str]) -> list[list[Span]]:
        """spaCy entity spans of every text, offsets into that text."""
        pieces = [
            (i, offset, piece) for i, text in enumerate(texts) for offset, piece in chunks(text, self.max_chunk_chars)
        ]
        spans: list[list[Span]] = [[] for _ in texts]
        with self._vocabulary_scope():
            docs = self.nlp.pipe(piece for _, _, piece in pieces)
            for (i, offset, _), doc in zip(pieces, docs):
                spans[i].extend(
                    Span(ent.label_, offset + ent.start_char, offset + ent.end_char) for ent in doc.ents
                )
        return spans

    def _vocabulary_scope(self):
        """Where the words this batch adds to the shared Vocab go: kept, or freed when it ends.

        Every new word a Doc meets becomes a lexeme (and its tokenizer cache entry) in the
        Vocab for the life of the process, so a worker reading an endless news stream would
        grow without bound. A memory zone (spaCy >= 3.8) frees what a batch added once it
        ends, but then every batch builds again the lexemes of all words the model did not
        ship with (it ships ~760 lexemes, no "said", no "minister"): 8-16% of NER time
        measured (docs/bench-results.md). So the vocabulary keeps what it meets
        until it holds ``vocab_limit`` strings, the common words of the stream arriving
        first; from then on each batch runs in a memory zone. Memory stays bounded (limit
        plus one batch), and only plain offsets leave the block either way.
        """
        if len(self.nlp.vocab.strings) < self.vocab_limit:
            return nullcontext()
        return self.nlp.memory_zone()

    def enrich_batch(self, articles: list[Article]) -> list[EnrichedArticle]:
        all_spans = self.ner_spans([a.body for a in articles])
        return [self._enrich(article, spans) for article, spans in zip(articles, all_spans)]

    def enrich_each(self, articles: list[Article]) -> list[EnrichedArticle | Exception]:
        """``enrich_batch``, but an article that fails costs only itself: one outcome per article.

        The batch runs as one; only if it raises are its articles enriched again one by one, so
        the failure lands on the article that caused it and the rest go on. Enriching again is
        safe: the duplicate index ignores an article's own earlier entry.
        """
        try:
            return list(self.enrich_batch(articles))
        except Exception as exc:  # noqa: BLE001 - isolated below, classified by the stage runner
            if len(articles) == 1:
                return [exc]
        outcomes: list[EnrichedArticle | Exception] = []
        for article in articles:
            try:
                outcomes.extend(self.enrich_batch([article]))
            except Exception as exc:  # noqa: BLE001
                outcomes.append(exc)
        return outcomes

    def _enrich(self, article: Article, spans: list[Span]) -> EnrichedArticle:
        body = article.body
        entities = extract_entities(body, spans, self.gazetteer.is_place)
        places = self.gazetteer.resolve([e.name for e in entities if e.type == "place"])

        candidates = dates.scan(body, [(s.start, s.end, s.label) for s in spans if s.label in _TEMPORAL_LABELS])
        absolute = dates.resolve(candidates, None)
        published = resolve_publication(article, absolute)
        reference: date | None = published.value.date() if published else None
        expressions = dates.resolve(candidates, reference) if reference else absolute

        lang, confidence = language.detect(f"{article.title}\n{body}")
        sig = dedup.signature(body)
        duplicate_of = self.duplicates.find_or_add(article.article_id, sig) if self.duplicates else None
        return EnrichedArticle(
            article=article,
            enricher_version=ENRICHER_VERSION,
            enriched_at=utc_now(),
            language=lang,
            language_confidence=confidence,
            published=published,
            entities=entities,
            places=places,
            dates=expressions,
            keywords=keywords.extract(article.title, body),
            fingerprint=dedup.encode(sig),
            duplicate_of=duplicate_of,
        )
