"""Nothing lost: fault injection against real worker processes, Redis and Elasticsearch.

Each test runs its own pipeline (key prefix, queues, index alias, raw store);
the tests that stop a server get a private Redis or Elasticsearch on a free
port, so they never disturb another test or a developer's running stack.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import time

import pytest

from newsflow.stack import LocalStack, isolated_pipeline
from services.ingest.progress import wait_for
from shared.runtime import Runtime
from shared.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CITIES = ["Lisbon", "Nairobi", "Osaka", "Toronto", "Lima", "Warsaw", "Hanoi", "Accra", "Perth", "Oslo"]
PEOPLE = ["Maria Costa", "John Kamau", "Aiko Tanaka", "Paul Martin", "Rosa Quispe", "Jan Nowak"]


def record(i: int) -> dict:
    city, person = CITIES[i % len(CITIES)], PEOPLE[i % len(PEOPLE)]
    return {
        "url": f"https://news.example.org/story/{i}",
        "title": f"{city} council approves budget plan number {i}",
        "text": (
            f"The city council of {city} approved budget plan number {i} on Monday after a long debate. "
            f"Mayor {person} said the plan would fund {i % 7 + 2} new schools and repair old bridges. "
            f"Opposition members in {city} criticised the cost, which they put at {i * 3 + 10} million dollars."
        ),
        "published": "2025-06-04T09:00:00Z",
    }


def write_corpus(folder, files: int, per_file: int) -> list:
    paths = []
    for f in range(files):
        path = folder / f"batch-{f:03d}.jsonl"
        path.write_text("\n".join(json.dumps(record(f * per_file + r)) for r in range(per_file)) + "\n")
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FaultPipeline:
    """A private pipeline; optionally with its own Redis and/or Elasticsearch to break."""

    def __init__(self, tmp_path, base: Settings, prefix: str, *, own_redis=False, own_es=False, **extra_env):
        env = {
            "NEWSFLOW_RETRY_BACKOFF_S": "0.5",
            "NEWSFLOW_RETRY_BACKOFF_MAX_S": "8",
            "NEWSFLOW_TASK_MAX_RETRIES": "30",
            # Short, so that messages held by a worker killed outright come back within the test.
            "NEWSFLOW_VISIBILITY_TIMEOUT_S": "10",
            # The sweeper is part of the guarantee (services/ingest/redrive.py): it runs here as in the stack.
            "NEWSFLOW_STALLED_AFTER_S": "10",
            "NEWSFLOW_SWEEP_INTERVAL_S": "1",
            **extra_env,
        }
        if own_redis:
            port = free_port()
            env |= {"NEWSFLOW_REDIS_PORT": str(port), "NEWSFLOW_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        if own_es:
            port = free_port()
            env |= {"NEWSFLOW_ELASTICSEARCH_PORT": str(port), "NEWSFLOW_ELASTICSEARCH_URL": f"http://127.0.0.1:{port}"}
        self.settings, self.env = isolated_pipeline(base, prefix, tmp_path / "runtime", **env)
        self.stack = LocalStack(self.settings, child_env=self.env)
        if own_redis:
            self.stack.start_redis()
        if own_es:
            self.stack.start_elasticsearch()
        self.stack.start_workers()
        self.stack.start_sweeper()
        self.rt = Runtime(self.settings)

    def ingest(self, paths) -> list[str]:
        from services.ingest.ingestor import Ingestor
        from shared.queues import make_celery

        ingestor = Ingestor(self.rt, make_celery(self.settings))
        return [ingestor.ingest_file(p).raw_id for p in paths]

    def es(self):
        from shared.elastic import make_client

        return make_client(self.settings)

    def indexed_ids(self) -> list[str]:
        client = self.es()
        client.indices.refresh(index=self.settings.index_alias)
        hits = client.search(index=self.settings.index_alias, size=10_000, source=False, query={"match_all": {}})
        return [h["_id"] for h in hits["hits"]["hits"]]

    def wait_indexed_at_least(self, raw_ids, n: int, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if sum(self.rt.status.counts(rid)["indexed"] for rid in raw_ids) >= n:
                return
            time.sleep(0.05)
        raise AssertionError(f"fewer than {n} articles indexed after {timeout_s}s")

    def diagnostics(self) -> str:
        """What a failing test should show: where the missing messages are, and the workers' last words."""
        from shared.queues import STAGES, queue_name

        prefix = self.settings.key_prefix
        lines = [f"queue {s}: {self.rt.redis.llen(queue_name(self.settings, s))}" for s in STAGES]
        lines.append(f"unacked: {self.rt.redis.hlen(prefix + ':unacked')}, mutex: {self.rt.redis.ttl(prefix + ':unacked_mutex')}")
        lines += [f"{s.filename}: {s.state} {s.counts}" for s in self.rt.status.all() if not s.done]
        lines += [f"dead letter: {d.stage} {d.reason}" for d in self.rt.dead_letters.list()]
        for name in ("parser", "enricher", "indexer"):
            log = self.stack.managed(name).log_file
            tail = log.read_text(errors="replace").splitlines()[-12:] if log.exists() else []
            lines += [f"--- {name}.log", *tail]
        return "\n".join(lines)

    def close(self) -> None:
        from services.indexer.es import delete_by_prefix

        for name in ("sweeper", "indexer", "enricher", "parser", "elasticsearch", "redis"):
            self.stack.managed(name).stop()
        if not self.stack.managed("elasticsearch").running():
            try:
                delete_by_prefix(self.es(), self.settings.key_prefix)
            except Exception:  # noqa: BLE001 - private node already gone
                pass


@pytest.fixture
def faults(tmp_path, base_settings, unique_prefix, redis_service, es_service, redis_client):
    made = []

    def make(**options) -> FaultPipeline:
        pipeline = FaultPipeline(tmp_path, base_settings, unique_prefix, **options)
        made.append(pipeline)
        return pipeline

    yield make
    for pipeline in made:
        pipeline.close()


def assert_verified(p: FaultPipeline) -> None:
    from services.ingest.accounting import verify

    result = verify(p.rt, p.es())
    assert (result.unaccounted, result.in_flight) == (0, 0), result.problems


def expected_ids(raw_ids, rt) -> set[str]:
    return {aid for rid in raw_ids for aid in rt.status.article_ids(rid, "expected")}


@pytest.mark.parametrize("victim", ["parser", "enricher", "indexer"])
def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(faults, tmp_path, victim):
    p = faults()
    raw_ids = p.ingest(write_corpus(tmp_path, files=20, per_file=4))
    p.wait_indexed_at_least(raw_ids, 4)
    worker = p.stack.managed(victim).process()
    os.killpg(os.getpgid(worker.pid), signal.SIGKILL)  # the whole worker, pool children included: no goodbye to Redis
    worker.wait(timeout=30)  # gone (and reaped) before its replacement starts, however busy the machine
    p.stack.start_workers([victim])
    statuses = wait_for(p.rt, raw_ids, timeout_s=180)
    assert all(s.state == "indexed" for s in statuses), [s.as_dict() for s in statuses if s.state != "indexed"]
    ids = p.indexed_ids()
    assert len(ids) == len(set(ids)) == 80
    assert set(ids) == expected_ids(raw_ids, p.rt)
    assert p.rt.dead_letters.count() == 0
    assert_verified(p)


def test_elasticsearch_down_for_30_seconds_during_a_500_article_ingest(faults, tmp_path):
    p = faults(own_es=True)
    raw_ids = p.ingest(write_corpus(tmp_path, files=10, per_file=50))
    p.wait_indexed_at_least(raw_ids, 20)
    p.stack.managed("elasticsearch").stop()
    time.sleep(30)
    p.stack.start_elasticsearch()
    statuses = wait_for(p.rt, raw_ids, timeout_s=300)
    assert all(s.state == "indexed" for s in statuses), [s.as_dict() for s in statuses if s.state != "indexed"]
    ids = p.indexed_ids()
    assert len(ids) == len(set(ids)) == 500
    assert p.rt.dead_letters.count() == 0
    assert_verified(p)


def test_redis_restart_during_ingest_loses_nothing(faults, tmp_path):
    p = faults(own_redis=True)
    raw_ids = p.ingest(write_corpus(tmp_path, files=20, per_file=4))
    p.wait_indexed_at_least(raw_ids, 4)
    p.stack.managed("redis").stop()  # SIGTERM: Redis flushes its append-only file
    time.sleep(2)
    p.stack.start_redis()
    statuses = wait_for(p.rt, raw_ids, timeout_s=240)
    assert all(s.state == "indexed" for s in statuses), p.diagnostics()
    ids = p.indexed_ids()
    assert len(ids) == len(set(ids)) == 80
    assert set(ids) == expected_ids(raw_ids, p.rt)
    assert_verified(p)


def hostile_corpus(folder) -> dict[str, bytes]:
    nested = b"<html><body>" + b"<div>" * 20_000 + b"deep" + b"</div>" * 20_000 + b"</body></html>"
    big = b"<html><body><article>" + b"<p>filler paragraph text for a very large page</p>" * 1_100_000 + b"</article></body></html>"
    files = {
        "empty.html": b"",
        "binary.dat": os.urandom(4096),
        "truncated.html.gz": gzip.compress(b"<html><body><p>cut short</p></body></html>" * 50)[:-20],
        "bomb.json.gz": gzip.compress(b'{"text": "' + b"A" * (300 * 1024 * 1024) + b'"}', compresslevel=9),
        "huge.html": big,
        "invalid-utf8.html": b"<html><head><meta charset='utf-8'><title>Caf\xe9</title></head><body><article><p>"
        + "La municipalit\xe9 de Montr\xe9al a annonc\xe9 lundi un nouveau plan de transport public. ".encode("latin-1") * 8
        + b"</p></article></body></html>",
        "nested.html": nested,
        "wrong-types.json": b'{"title": 42, "text": ["not", "a", "string"], "url": {"nested": true}}',
        "no-responses.warc": (
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: 4\r\n"
            b"WARC-Date: 2025-06-02T10:00:00Z\r\n\r\ninfo\r\n\r\n"
        ),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_hostile_inputs_are_all_accounted_for_and_workers_stay_healthy(faults, tmp_path):
    p = faults()
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    files = hostile_corpus(corpus)
    raw_ids = p.ingest(sorted(corpus.iterdir()))
    statuses = {s.filename: s for s in wait_for(p.rt, raw_ids, timeout_s=300)}
    assert set(statuses) == set(files)
    letters = {letter.filename: letter for letter in p.rt.dead_letters.list()}
    for name, status in statuses.items():
        assert status.done, status.as_dict()
        if status.state != "indexed":
            assert status.reason, f"{name} failed without a reason"
            assert name in letters and letters[name].raw_id == status.raw_id, f"{name} has no dead letter"
    assert statuses["empty.html"].state == "failed"
    assert statuses["bomb.json.gz"].state == "failed" and "limit" in statuses["bomb.json.gz"].reason.lower()
    assert statuses["invalid-utf8.html"].state == "indexed", "bad bytes in a real page are decoded, not fatal"
    # The workers survived: a normal page still goes through.
    (ok,) = p.ingest([write_corpus(tmp_path, files=1, per_file=1)[0]])
    (status,) = wait_for(p.rt, [ok], timeout_s=60)
    assert status.state == "indexed"
    for name in ("parser", "enricher", "indexer"):
        assert p.stack.managed(name).running()
    assert_verified(p)
