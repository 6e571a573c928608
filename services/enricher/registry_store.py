"""Redis-backed entity registry: one corpus-wide set of canonical entities for every enricher worker.

The registry's network I/O, nothing else (the matching is ``registry.py``).
Layout, every key under the ``prefix`` the caller gives (the task passes
``<key_prefix>:registry``):

* ``{prefix}:entity:{id}``   hash ``type``, ``name`` (canonical), ``articles`` (how many articles named it);
* ``{prefix}:aliases:{id}``  set of the normal forms that joined it;
* ``{prefix}:block:{key}``   set of entity ids filed under a block key (``registry.block_keys``).

One enrich batch costs three round trips, all pipelined: read the blocks of
every name of the batch, read those entities, write the outcome. Keys do not
expire: the registry is the corpus's memory of who is who, a few hundred bytes
per entity.

**Several workers.** Each worker reads, decides locally, then writes; there is
no lock, so the registry is eventually consistent, and every write is one that
commutes:

* a new entity's id is derived from its type and normal name, so two workers
  meeting the same new name at once create the same entity (``HSETNX`` keeps
  one canonical name, ``SADD`` and ``HINCRBY`` add up);
* two workers that file "Trump" and "Donald Trump" at the same instant create two
  entities; the next "Trump" joins "Donald Trump" (a full name outranks a
  surname-only entity in ``registry.choose``), and ``newsflow reprocess --stage
  enrich`` re-files the articles enriched in between;
* a rename to a fuller form ("Trump" -> "Donald Trump") is a plain ``HSET``:
  two racing renames leave one of two full forms, both of which are aliases.

    reg = RedisRegistry(redis.Redis.from_url(url), prefix="newsflow:registry")
    [resolved] = reg.resolve_batch([[("person", "Trump")]])
"""

from __future__ import annotations

from services.enricher.registry import Known, absorb, block_keys, choose


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisRegistry:
    def __init__(self, client, *, prefix: str) -> None:
        self._r = client
        self.prefix = prefix

    def _entities(self, ids: list[str]) -> dict[str, Known]:
        pipe = self._r.pipeline(transaction=False)
        for i in ids:
            pipe.hgetall(f"{self.prefix}:entity:{i}")
            pipe.smembers(f"{self.prefix}:aliases:{i}")
        replies = pipe.execute()
        found = {}
        for i, fields, aliases in zip(ids, replies[::2], replies[1::2]):
            fields = {_text(k): _text(v) for k, v in fields.items()}
            if "type" in fields and "name" in fields:
                found[i] = Known(
                    i, fields["type"], fields["name"], int(fields.get("articles", 0)), {_text(a) for a in aliases}
                )
        return found

    def resolve_batch(self, articles: list[list[tuple[str, str]]]) -> list[dict[tuple[str, str], Known]]:
        """Canonical entity of every (type, name) of every article of one batch, filed in Redis."""
        keys = sorted({k for names in articles for t, n in names for k in block_keys(t, n)})
        pipe = self._r.pipeline(transaction=False)
        for k in keys:
            pipe.smembers(f"{self.prefix}:block:{k}")
        blocks = {k: {_text(i) for i in ids} for k, ids in zip(keys, pipe.execute())}
        known = self._entities(sorted(set().union(*blocks.values())) if blocks else [])
        created: set[str] = set()
        renamed: set[str] = set()
        filed: set[tuple[str, str]] = set()  # (block key, id)
        counted: list[set[str]] = []
        results = []
        for names in articles:
            out: dict[tuple[str, str], Known] = {}
            for type_, name in names:
                candidates = [known[i] for k in block_keys(type_, name) for i in blocks.get(k, ()) if i in known]
                chosen = choose(type_, name, candidates)
                entity, changed = absorb(chosen, type_, name)
                if chosen is None:
                    created.add(entity.entity_id)
                elif changed:
                    renamed.add(entity.entity_id)
                known[entity.entity_id] = entity
                for k in block_keys(type_, name) + block_keys(type_, entity.name):
                    blocks.setdefault(k, set()).add(entity.entity_id)
                    filed.add((k, entity.entity_id))
                out[(type_, name)] = entity
            counted.append({e.entity_id for e in out.values()})
            results.append(out)
        self._write(known, created, renamed, filed, counted)
        return results

    def _write(
        self,
        known: dict[str, Known],
        created: set[str],
        renamed: set[str],
        filed: set[tuple[str, str]],
        counted: list[set[str]],
    ) -> None:
        pipe = self._r.pipeline(transaction=False)
        touched = set().union(*counted) if counted else set()
        for i in sorted(touched):
            e = known[i]
            key = f"{self.prefix}:entity:{i}"
            if i in created:
                pipe.hsetnx(key, "type", e.type)
                pipe.hsetnx(key, "name", e.name)
            elif i in renamed:
                pipe.hset(key, "name", e.name)
            pipe.hincrby(key, "articles", sum(i in ids for ids in counted))
            pipe.sadd(f"{self.prefix}:aliases:{i}", *sorted(e.aliases))
        for k, i in sorted(filed):
            pipe.sadd(f"{self.prefix}:block:{k}", i)
        pipe.execute()
