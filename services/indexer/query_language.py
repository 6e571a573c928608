"""The query language users type into ``newsflow search``, ``GET /v1/search`` and the analyst page.

The syntax is Lucene's (parsed by luqum, a well-kept Lucene parser), read with
newsflow's own field names and translated into Elasticsearch query DSL here;
Elasticsearch's own ``query_string`` is never used, so no query can reach a
field the user was not meant to search, and no syntax error becomes a 500.

What a user can write:

========================  ===============================================================
``flood valencia``        every word, in the title or the body (stemmed: ``floods`` too)
``"red cross"``           the words as a phrase
``a AND b``, ``a OR b``   boolean operators (upper case; ``and`` / ``or`` are plain words);
                          words side by side mean AND
``NOT a``, ``-a``         exclude; ``+a`` is the same as ``a``
``(a OR b) c``            grouping
``title:summit``          only in the title (``body:`` only in the body)
``person:"kim jong un"``  articles mentioning that person (canonical names, any case,
                          part of a name works: ``person:biden``)
``org:``, ``place:``      the same for organisations and places
``source:bbc``            the outlet, by name or exact value (``source:www.bbc.co.uk``)
``lang:en``               the language code
========================  ===============================================================

A field this language does not know (``note: this``) is read as plain words,
and so is a query that is not valid syntax (an unclosed quote or parenthesis, a
dangling ``AND``): the search then runs on its words and ``ParsedQuery.notice``
says so, rather than failing.

    >>> parsed = parse_query('Ukraine AND NOT Kim')
    >>> parsed.clause["bool"]["must_not"][0]["multi_match"]["query"]
    'Kim'
    >>> parsed.text
    'Ukraine'
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as _lucene_parser

TEXT_FIELDS = ("title", "body")
MAX_QUERY_CHARS = 2000  # longer queries are a 400 at the API: Elasticsearch caps clauses anyway

# Field names a user may write -> the kind of clause they build.
ENTITY_FIELDS = {
    "person": "people", "people": "people",
    "org": "organizations", "organization": "organizations", "organisation": "organizations",
    "organizations": "organizations",
    "place": "places", "places": "places",
}  # fmt: skip
TEXT_ONLY_FIELDS = {"title": "title", "body": "body"}
OTHER_FIELDS = {"source", "lang", "language"}

# luqum's lexer and parser (ply) keep their state on module globals: one parse at a time.
_parse_lock = threading.Lock()
_NOT_WORDS = re.compile(r"[^\w\s'.-]+")


class QueryError(ValueError):
    """A query that cannot be run at all (too long); the API answers 400 with its message."""


@dataclass(frozen=True)
class ParsedQuery:
    """``clause``: the Elasticsearch query (None: match everything).

    ``text``: the words and phrases the user asked for in the text (not the excluded ones),
    which the search uses to rank title matches and phrases higher.
    ``notice``: set when the query was read as plain words instead of as written.
    """

    clause: dict[str, Any] | None
    text: str = ""
    notice: str | None = None
    terms: list[str] = field(default_factory=list)


def source_clause(value: str) -> dict[str, Any]:
    """The outlet by name (phrase, any case), its exact value (``www.bbc.co.uk``) or its domain."""
    return {
        "bool": {
            "should": [
                {"match_phrase": {"source": value}},
                {"term": {"source.keyword": {"value": value, "case_insensitive": True}}},
                # The outlet's domain, whole or its label: "nytimes.com", "nytimes", "CNN" (cnn.com).
                {"term": {"source_domain": {"value": value, "case_insensitive": True}}},
                {"prefix": {"source_domain": {"value": f"{value.strip().lower()}.", "case_insensitive": True}}},
            ],
            "minimum_should_match": 1,
        }
    }


def entity_clause(field_name: str, value: str) -> dict[str, Any]:
    """Canonical names on the ``.text`` sub-field: any case, part of a name matches.

    A person also matches every name the entity registry joined under the canonical one
    ("Trump", "Zelenskiy"), kept in ``people_aliases``.
    """
    if field_name == "people":
        return {"multi_match": {"query": value, "type": "phrase", "fields": ["people.text", "people_aliases.text"]}}
    return {"match_phrase": {f"{field_name}.text": value}}


def _words_clause(text: str, fields: tuple[str, ...] = TEXT_FIELDS) -> dict[str, Any]:
    if len(fields) == 1:
        return {"match": {fields[0]: {"query": text, "operator": "and"}}}
    return {"multi_match": {"query": text, "fields": list(fields), "type": "cross_fields", "operator": "and"}}


def _phrase_clause(text: str, fields: tuple[str, ...] = TEXT_FIELDS, slop: int = 0) -> dict[str, Any]:
    extra = {"slop": slop} if slop else {}
    if len(fields) == 1:
        return {"match_phrase": {fields[0]: {"query": text, **extra}}}
    return {"multi_match": {"query": text, "fields": list(fields), "type": "phrase", **extra}}


def _bool(must=(), should=(), must_not=()) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if must:
        body["must"] = list(must)
    if should:
        body["should"] = list(should)
        body["minimum_should_match"] = 1
    if must_not:
        body["must_not"] = list(must_not)
        if not must and not should:
            body["must"] = [{"match_all": {}}]
    return {"bool": body}


def _unquote(phrase: str) -> str:
    return phrase[1:-1] if len(phrase) >= 2 and phrase[0] == phrase[-1] == '"' else phrase


class _Translator:
    """Walks luqum's tree; ``fields`` is the field context (None: title and body)."""

    def __init__(self) -> None:
        self.positive: list[str] = []  # words and phrases to rank by

    def node(self, node: tree.Item, ctx: str | None = None, negated: bool = False) -> dict[str, Any] | None:
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self.node(node.expr, ctx, negated)
        if isinstance(node, (tree.Not, tree.Prohibit)):
            inner = self.node(node.a, ctx, not negated)
            return _bool(must_not=[inner]) if inner is not None else None
        if isinstance(node, tree.Plus):
            return self.node(node.a, ctx, negated)
        if isinstance(node, tree.Boost):
            return self.node(node.expr, ctx, negated)
        if isinstance(node, tree.SearchField):
            return self.search_field(node, ctx, negated)
        if isinstance(node, tree.OrOperation):
            parts = [c for c in (self.node(child, ctx, negated) for child in node.children) if c is not None]
            return _bool(should=parts) if len(parts) > 1 else (parts[0] if parts else None)
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
            return self.conjunction(node.children, ctx, negated)
        if isinstance(node, tree.Proximity):
            return self.leaf(_unquote(node.term.value), ctx, negated, phrase=True, slop=int(node.degree or 0))
        if isinstance(node, tree.Phrase):
            return self.leaf(_unquote(node.value), ctx, negated, phrase=True)
        if isinstance(node, tree.Fuzzy):
            return self.leaf(node.term.value, ctx, negated)
        if isinstance(node, tree.Term):  # Word, Regex
            return self.leaf(node.value, ctx, negated)
        if isinstance(node, tree.Range):  # no field here has a range syntax: its bounds, as words
            return self.leaf(f"{node.low} {node.high}".replace("*", " "), ctx, negated)
        # Anything else this language does not define: its words, as text.
        return self.leaf(_NOT_WORDS.sub(" ", str(node)), ctx, negated)

    def conjunction(self, children, ctx, negated) -> dict[str, Any] | None:
        """AND: side-by-side plain words become one clause (every word, in any text field)."""
        must, must_not, words = [], [], []
        for child in children:
            if ctx is None and isinstance(child, tree.Word) and child.value != "*":
                words.append(child.value)
                continue
            clause = self.node(child, ctx, negated)
            if clause is None:
                continue
            inner = clause.get("bool", {})
            if set(inner) == {"must_not", "must"} and inner["must"] == [{"match_all": {}}]:
                must_not.extend(inner["must_not"])  # NOT x inside an AND
            else:
                must.append(clause)
        if words:
            text = " ".join(words)
            if not negated:
                self.positive.append(text)
            must.insert(0, _words_clause(text))
        if not must and not must_not:
            return None
        if len(must) == 1 and not must_not:
            return must[0]
        return _bool(must=must, must_not=must_not)

    def leaf(self, text: str, ctx: str | None, negated: bool, *, phrase: bool = False, slop: int = 0):
        text = text.strip()
        if not text:
            return None
        if text == "*" and not phrase:
            return {"match_all": {}} if ctx is None else {"exists": {"field": ctx}}
        if ctx in (None, "title", "body"):
            fields = TEXT_FIELDS if ctx is None else (ctx,)
            if ctx is None and not negated:
                self.positive.append(f'"{text}"' if phrase else text)
            return _phrase_clause(text, fields, slop) if phrase else _words_clause(text, fields)
        if ctx == "source":
            return source_clause(text)
        if ctx == "language":
            return {"term": {"language": {"value": text.lower(), "case_insensitive": True}}}
        return entity_clause(ctx, text)

    def search_field(self, node: tree.SearchField, ctx: str | None, negated: bool):
        name = node.name.lower()
        target = ENTITY_FIELDS.get(name) or TEXT_ONLY_FIELDS.get(name)
        if target is None and name in OTHER_FIELDS:
            target = "language" if name.startswith("lang") else "source"
        if target is None:
            # Not a field of ours ("Note: this", "10:30"): the words as text, the name included.
            return self.conjunction([tree.Word(node.name), node.expr], ctx, negated)
        return self.node(node.expr, target, negated)


def _positive_text(parts: list[str]) -> str:
    return " ".join(p.strip('"') for p in parts)


def parse_query(query: str | None) -> ParsedQuery:
    """Translate a user's query; never raises for bad syntax (see the module docstring).

    >>> parse_query("").clause is None
    True
    >>> parse_query('"north korea" -missile').clause["bool"]["must_not"][0]["multi_match"]["query"]
    'missile'
    >>> parse_query('(summit OR').notice is not None
    True
    """
    if query is None or not query.strip():
        return ParsedQuery(clause=None)
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}")
    translator = _Translator()
    try:
        with _parse_lock:
            syntax = _lucene_parser.parse(query)
        clause = translator.node(syntax)
    except (ParseError, RecursionError, ValueError, TypeError) as exc:
        words = " ".join(_NOT_WORDS.sub(" ", query).replace(" AND ", " ").replace(" OR ", " ").split())
        words = " ".join(w for w in words.split() if w not in ("AND", "OR", "NOT", "-", "'"))
        notice = (
            f"could not read the query as written ({_short(exc)}); searched for its words instead"
            if words
            else f"could not read the query as written ({_short(exc)}); it has no words, so everything matches"
        )
        clause = _words_clause(words) if words else None
        return ParsedQuery(clause=clause, text=words, notice=notice, terms=[words] if words else [])
    return ParsedQuery(clause=clause, text=_positive_text(translator.positive), terms=translator.positive)


def _short(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    return text.removeprefix("Syntax error in input : ")[:160]
