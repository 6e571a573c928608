"""The enricher: ``Article`` in, ``EnrichedArticle`` out, no broker involved.

Where data comes from: parsed ``Article`` messages (the task hands them over).
Where it goes: the ``EnrichedArticle`` the task sends to the ``index`` queue.
Each concern lives in its own module; this one only wires them:

    spaCy NER (one ``nlp.pipe`` pass over every body of the batch)
      -> entities (canonical people, organisations, places, groups)
      -> geo (places -> country + coordinates)
      -> dates.scan -> publication (reference date) -> dates.resolve
      -> language, keywords, dedup fingerprint (+ duplicate_of)

Long bodies are cut at paragraph breaks into pieces of at most
``MAX_CHUNK_CHARS`` (spaCy's memory use grows with document length), fed to
spaCy at most that many characters at a time, and the offsets are shifted
back, so every offset indexes ``article.body``. What one article may cost is
bounded by ``services.enricher.limits`` (characters read, entities, mentions,
dates, time); a limit that bites is recorded on the article, never silent.

    enricher = Enricher()                       # loads the model once
    [enriched] = enricher.enrich_batch([article])
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from services.enricher import dates, dedup, keywords, language, registry
from services.enricher.dedup import DuplicateIndex
from services.enricher.entities import Span, extract_entities, load_model
from services.enricher.geo import Gazetteer, source_country
from services.enricher.limits import Deadline, EnrichLimits, cap_dates_list
from services.enricher.publication import resolve_publication
from shared.models import Article, EnrichedArticle, utc_now
from shared.settings import Settings

ENRICHER_VERSION = "1.2.0"  # 1.2: dates read by tense and earlier mentions, with a confidence
MAX_CHUNK_CHARS = 100_000
_TEMPORAL_LABELS = {"DATE", "TIME"}
_FOREIGN_CONFIDENCE = 0.9  # language confidence above which a non-English page gets no English NER entities
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
        registry=None,
        nlp=None,
        max_chunk_chars: int = MAX_CHUNK_CHARS,
        vocab_limit: int = DEFAULT_VOCAB_LIMIT,
        limits: EnrichLimits | None = None,
    ) -> None:
        """``nlp`` lets tests and benchmarks share one loaded model; by default it is loaded here.

        ``vocab_limit``: the model's vocabulary keeps the words it meets until its string store
        holds this many strings (``NEWSFLOW_ENRICH_VOCAB_LIMIT``); see ``ner_spans``.
        """
        self.nlp = nlp if nlp is not None else load_model()
        self.max_chunk_chars = max_chunk_chars
        self.vocab_limit = vocab_limit
        self.limits = limits or EnrichLimits()
        self.nlp.max_length = max(self.nlp.max_length, max_chunk_chars + 1)
        self.gazetteer = Gazetteer.shared()
        self.duplicates = duplicates
        # Corpus-wide canonical names (``registry.MemoryRegistry`` / ``registry_store.RedisRegistry``);
        # None: names are canonical within each article only.
        self.registry = registry
        # The model, the gazetteer (~300k objects), the language model (two
        # 100k-entry lists, loaded lazily otherwise) and the MinHash permutations
        # live as long as the process: loaded all now, so that the worker's start-up
        # hook can move them out of the cyclic collector's reach in one go
        # (``shared.worker.freeze_long_lived``: measured ~9% of enrichment time).
        language.load()
        dedup.load()

    def ner_spans(self, texts: list[str], deadline: Deadline | None = None) -> list[list[Span]]:
        """spaCy entity spans of every text, offsets into that text."""
        spans, _ = self._ner(texts, deadline)
        return spans

    def _ner(self, texts: list[str], deadline: Deadline | None) -> tuple[list[list[Span]], list[int]]:
        """Spans per text, and how many characters of each text NER read before ``deadline`` ran out.

        Pieces go to spaCy in groups of at most ``max_chunk_chars`` characters: a batch of
        ordinary articles is still one ``nlp.pipe`` call, while long bodies never sit in
        spaCy's memory all at once (a batch of 200,000-character bodies would), and the
        deadline is looked at between groups.
        """
        pieces = [
            (i, offset, piece) for i, text in enumerate(texts) for offset, piece in chunks(text, self.max_chunk_chars)
        ]
        spans: list[list[Span]] = [[] for _ in texts]
        read = [0] * len(texts)
        with self._vocabulary_scope():
            for group in _groups(pieces, self.max_chunk_chars):
                if deadline is not None and deadline.expired():
                    break
                docs = self.nlp.pipe(piece for _, _, piece in group)
                for (i, offset, piece), doc in zip(group, docs, strict=True):
                    spans[i].extend(
                        Span(ent.label_, offset + ent.start_char, offset + ent.end_char) for ent in doc.ents
                    )
                    read[i] = offset + len(piece)
        return spans, read

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
        deadline = Deadline(self.limits.time_limit_s)
        parts = [self.limits.read_part(a.body) for a in articles]
        all_spans, read = self._ner([text for text, _ in parts], deadline)
        bodies, notes = [], []
        for (text, note), chars in zip(parts, read, strict=True):
            notes.append([note] if note else [])
            if chars < len(text):
                notes[-1].append(deadline.note(f"entities and dates were read in the first {chars} characters"))
            bodies.append(text[:chars])
        found = [
            self._entities(article, body, spans)
            for article, body, spans in zip(articles, bodies, all_spans, strict=True)
        ]
        if self.registry is not None:  # one registry exchange for the whole batch
            resolved = self.registry.resolve_batch([registry.names_of(entities) for entities, _ in found])
            found = [(registry.apply(entities, r), lang) for (entities, lang), r in zip(found, resolved, strict=True)]
        return [
            self._enrich(article, body, spans, entities, lang, article_notes, deadline)
            for article, body, spans, (entities, lang), article_notes in zip(
                articles, bodies, all_spans, found, notes, strict=True
            )
        ]

    def _entities(self, article: Article, body: str, spans: list[Span]):
        """(entities, (language, confidence)) of one article, from ``body``: the part of it the limits let it read."""
        lang, confidence = language.detect(f"{article.title}\n{body}")
        # The NER model reads English: on a page it confidently says is in another language its
        # spans are noise ("Der Patient" as a person), so such a page gets no entities at all.
        declared = (article.language or "").split("-")[0].lower() or None
        # Foreign when the detector is sure, or when it agrees with the language the page declares.
        foreign = lang not in (None, "en") and ((confidence or 0.0) >= _FOREIGN_CONFIDENCE or lang == declared)
        english = not foreign
        entities = extract_entities(body, spans, self.gazetteer.is_place) if english else []
        return entities, (lang, confidence)

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

    def _enrich(
        self,
        article: Article,
        body: str,
        spans: list[Span],
        found,
        lang_confidence,
        notes: list[str],
        deadline: Deadline,
    ) -> EnrichedArticle:
        """Enrich from ``body``, the part of ``article.body`` the limits let it read."""
        limits = self.limits
        lang, confidence = lang_confidence
        entities, capped = limits.cap_entities(found)
        notes.extend(capped)
        places = self.gazetteer.resolve(
            [e.name for e in entities if e.type == "place"], body, source_country(article.source_domain)
        )

        labelled = [(s.start, s.end, s.label) for s in spans]
        candidates = dates.scan(body, [s for s in labelled if s[2] in _TEMPORAL_LABELS], labelled)
        if note := limits.cap_dates(len(candidates)):
            notes.append(note)
        dates_total = len(candidates)
        candidates = candidates[: limits.max_dates]
        if deadline.expired():
            notes.append(deadline.note(f"{dates_total} dates were found, none resolved"))
            candidates = []
        absolute = dates.resolve(candidates, None)
        published = resolve_publication(article, absolute)
        reference: date | None = published.value.date() if published else None
        expressions = cap_dates_list(dates.resolve(candidates, reference) if reference else absolute, limits.max_dates)

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
            partial=notes,
            entities_total=len(found),
            dates_total=dates_total,
            keywords=keywords.extract(article.title, body),
            fingerprint=dedup.encode(sig),
            duplicate_of=duplicate_of,
        )


def _groups(pieces: list[tuple[int, int, str]], max_chars: int) -> list[list[tuple[int, int, str]]]:
    """Consecutive pieces in groups of at most ``max_chars`` characters (a longer piece alone).

    >>> [len(g) for g in _groups([(0, 0, "aa"), (1, 0, "bb"), (2, 0, "cccc")], max_chars=4)]
    [2, 1]
    """
    groups: list[list[tuple[int, int, str]]] = []
    size = max_chars + 1
    for piece in pieces:
        if size + len(piece[2]) > max_chars:
            groups.append([])
            size = 0
        groups[-1].append(piece)
        size += len(piece[2])
    return groups
