"""Keywords of an article: the phrases a reader would tag it with.

Method: RAKE-style candidate runs (maximal runs of content words between stop
words and punctuation, at most three words); every 1-3 word n-gram inside a run
is counted, multi-word n-grams said only once are dropped (they are sentence
fragments such as "north korea dispatched"), the rest score count x length^0.7
(x1.5 when a word is in the title), and an n-gram overlapping a better-ranked
one is skipped. Why not YAKE (installed, and a fine algorithm): it
costs ~24 ms per 1,800-character article on this hardware, a third of the
spaCy NER time, which would break the enricher's budget of staying within 10%
of NER-only throughput; this scorer costs well under 1 ms and, on news,
surfaces the same kind of multi-word topics ("drone attack", "peace talks").

    >>> extract("Peace talks", "Peace talks resumed. The peace talks in Istanbul ended.", top=1)
    ['peace talks']
"""

from __future__ import annotations

import re
from collections import Counter

_STOP = frozenset(
    """a about above after again against ago all also although am among an and another any are around as at
    be because been before being below between both but by can could did do does doing down during each
    early earlier either else even ever every few first for from further had has have having he her here
    hers herself him himself his how however i if in into is it its itself just last late later least less
    like made make many may me might more most much must my near nearly new next no nor not now of off on
    once one only or other our ours out over own per said same say says second several she should since so
    some such than that the their theirs them themselves then there these they third this those though
    three through to told too two under until up upon us very via was we were what when where whether which
    while who whom whose why will with within without would year years yet you your according also amid
    mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday week weeks month months day days
    today yesterday tomorrow time percent per cent including told added""".split()
)
# Words (possessive dropped) or a run of other non-space characters, which breaks
# a phrase (one break or several in a row end a phrase alike; runs are cheaper).
_TOKEN = re.compile(r"([a-z](?:[a-z-]|'(?!s\b))*[a-z]|[a-z])(?:'s\b)?|[^\sa-z]+")
_MAX_WORDS = 3
_LENGTH_WEIGHT = {n: n**0.7 for n in range(1, _MAX_WORDS + 1)}


def _phrases(text: str) -> list[tuple[str, ...]]:
    phrases: list[tuple[str, ...]] = []
    current: list[str] = []
    for word in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if not word or len(word) < 2 or word in _STOP:
            if current:
                phrases.append(tuple(current))
                current = []
            continue
        current.append(word)
        if len(current) == _MAX_WORDS:
            phrases.append(tuple(current))
            current = []
    if current:
        phrases.append(tuple(current))
    return phrases


def extract(title: str, body: str, top: int = 10) -> list[str]:
    """The ``top`` best keyword phrases, lower case, best first."""
    title_words = {w for phrase in _phrases(title) for w in phrase}
    grams: list[tuple[str, ...]] = []
    for run in _phrases(body):  # runs have at most _MAX_WORDS (3) words
        grams.extend(zip(run))
        if len(run) > 1:
            grams.extend(zip(run, run[1:], strict=False))  # adjacent pairs: one fewer than words
            if len(run) == 3:
                grams.append(run)
    counts = Counter(grams)  # one C-level count instead of three updates per run
    scored: dict[tuple[str, ...], float] = {}
    for gram, count in counts.items():
        if len(gram) > 1 and count < 2:
            continue  # a multi-word phrase said once is a sentence fragment, not a topic
        score = count * _LENGTH_WEIGHT[len(gram)]
        if not title_words.isdisjoint(gram):
            score *= 1.5
        scored[gram] = score
    chosen: list[str] = []
    for gram in sorted(scored, key=lambda g: (-scored[g], g)):
        text = f" {' '.join(gram)} "
        if any(text in c or c in text for c in chosen):
            continue  # "korea" adds nothing next to "north korea", nor the reverse
        chosen.append(text)
        if len(chosen) == top:
            break
    return [c.strip() for c in chosen]
