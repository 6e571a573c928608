"""The compose stack end to end, in real containers: the path a user takes with `docker compose up`.

The tests share one stack (tests/compose/conftest.py) and run in file order: each drops its own
articles (URLs under its own prefix) and checks exactly those, so counts never depend on an
earlier test; the last one takes the stack down.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from tests.compose.conftest import API_TOKEN, PROJECT, ROOT, wait_until

pytestmark = [pytest.mark.compose, pytest.mark.slow]

SEED = ROOT / "seeds" / "000_617e04975ce0a18a.txt"
SERVICES = ("redis", "elasticsearch", "api", "parser", "enricher", "indexer", "watcher", "sweeper", "flower")
CITIES = ["Lisbon", "Nairobi", "Osaka", "Toronto", "Lima", "Warsaw", "Hanoi", "Accra", "Perth", "Oslo"]
PEOPLE = ["Maria Costa", "John Kamau", "Aiko Tanaka", "Paul Martin", "Rosa Quispe", "Jan Nowak"]


def record(tag: str, i: int) -> dict:
    city, person = CITIES[i % len(CITIES)], PEOPLE[i % len(PEOPLE)]
    return {
        "url": f"https://news.example.org/{tag}/{i}",
        "title": f"{city} council approves budget plan number {i} ({tag})",
        "text": (
            f"The city council of {city} approved budget plan number {i} on Monday after a long debate. "
            f"Mayor {person} said the plan would fund {i % 7 + 2} new schools and repair old bridges. "
            f"Opposition members in {city} criticised the cost, which they put at {i * 3 + 10} million dollars."
        ),
        "published": "2025-06-04T09:00:00Z",
    }


def drop_corpus(stack, tag: str, files: int, per_file: int) -> list[str]:
    """Write JSON-lines pages into the host drop folder; returns the article URLs they hold."""
    urls = []
    for f in range(files):
        records = [record(tag, f * per_file + r) for r in range(per_file)]
        hidden = stack.drop / f".{tag}-{f:03d}.jsonl"  # the watcher skips dot files: appear complete
        hidden.write_text("\n".join(json.dumps(r) for r in records) + "\n")
        hidden.rename(stack.drop / f"{tag}-{f:03d}.jsonl")
        urls += [r["url"] for r in records]
    return sorted(urls)


def prefix(tag: str) -> str:
    return f"https://news.example.org/{tag}/"


def all_filed(stack, tag: str, files: int) -> bool:
    return len(list((stack.drop / "done").glob(f"{tag}-*.jsonl"))) == files


def assert_nothing_lost(stack, tag: str, expected: list[str], files: int, timeout_s: float = 420) -> None:
    wait_until(lambda: len(stack.urls(prefix(tag))) >= len(expected), timeout_s, f"{len(expected)} {tag} articles")
    assert sorted(stack.urls(prefix(tag))) == expected  # every one, once
    wait_until(lambda: all_filed(stack, tag, files), 120, f"the {tag} files in done/")
    assert not list((stack.drop / "failed").glob(f"{tag}-*")), "a file went to failed/"
    assert json.loads(stack.newsflow("dlq", "list", "--json")) == []


def test_cold_up_every_service_is_healthy_and_the_seed_becomes_four_articles(stack):
    print(f"cold up --build to healthy: {stack.up_seconds:.0f} s")
    for service in SERVICES:
        (container,) = stack.containers(service)
        status, health = stack.state(container)
        assert status == "running", f"{service} is {status}"
        assert health in ("healthy", "none"), f"{service} is {health}"
    for service in ("redis", "elasticsearch", "api"):
        assert stack.state(stack.containers(service)[0])[1] == "healthy"
    if stack.engine() == "podman":  # no stand-in for Kibana: the stand-in run leaves it out
        assert stack.containers("kibana") == [] and stack.containers("kibana-setup") == []

    shutil.copy(SEED, stack.drop / SEED.name)
    wait_until(lambda: (stack.drop / "done" / SEED.name).exists(), 300, "the seed page in done/")
    stack.es("/newsflow-articles/_refresh", method="POST")  # indexed is not yet visible to search
    docs = stack.es("/newsflow-articles/_search", {"size": 10, "query": {"match_all": {}}})["hits"]["hits"]
    assert sorted(d["_source"]["source"] for d in docs) == ["India Today", "Mint", "The Hindu", "The Hindu"]
    assert not (stack.drop / SEED.name).exists()
    answer = json.loads(stack.newsflow("search", "Kim Jong Un", "--json"))
    assert answer["hits"][0]["title"].startswith("North Korea's Kim says")


def test_the_api_container_answers_and_searches_for_a_token_holder_only(stack):
    assert stack.api("/healthz")[0] == 200  # public
    assert stack.api("/v1/search?q=Kim%20Jong%20Un")[0] == 401
    status, answer = stack.api("/v1/search?q=Kim%20Jong%20Un", token=API_TOKEN)
    assert status == 200
    assert answer["hits"][0]["title"].startswith("North Korea's Kim says")


def test_three_enricher_containers_share_the_work_and_the_total_is_exact(stack):
    # The pages wait in the enrich queue while no enricher runs, then three start together: each
    # prefetches at most 32 messages (2 processes x 2 batches of 8), so 160 leave work for all three.
    stack.compose("stop", "enricher")
    expected = drop_corpus(stack, "scale", files=20, per_file=8)
    wait_until(lambda: stack.compose("exec", "-T", "redis", "redis-cli", "llen", "newsflow.enrich").stdout.strip()
               == str(len(expected)), 300, "the scale articles waiting in the enrich queue")
    stack.compose("up", "-d", "--no-recreate", "--scale", "enricher=3", "enricher")
    enrichers = stack.containers("enricher")
    assert len(enrichers) == 3
    assert_nothing_lost(stack, "scale", expected, files=20)
    for container in enrichers:
        logs = stack.docker("logs", container)
        assert "enrich batch of" in logs.stdout + logs.stderr, f"enricher {container[:12]} processed nothing"
    stack.compose("up", "-d", "--scale", "enricher=1", "enricher")


def test_an_enricher_killed_mid_ingest_loses_and_duplicates_nothing(stack):
    # Enough pages that the first poll finds the ingest under way on a quiet machine too.
    expected = drop_corpus(stack, "kill", files=40, per_file=8)
    at_kill = wait_until(lambda: len(stack.urls(prefix("kill"))), 300, "the first kill articles", poll_s=0.3)
    stack.compose("kill", "-s", "KILL", "enricher")
    stack.compose("up", "-d", "enricher")
    assert at_kill < len(expected), "the ingest finished before the kill: nothing was tested"
    assert_nothing_lost(stack, "kill", expected, files=40)


def enrich_queue_depth(stack) -> int:
    out = stack.compose("exec", "-T", "redis", "redis-cli", "llen", "newsflow.enrich", check=False).stdout
    return int(out.strip() or 0) if out.strip().isdigit() else 0


def test_a_redis_restart_during_ingest_loses_nothing(stack):
    # The enrichers are held back, so the restart certainly finds the ingest under way, whatever
    # the machine's speed: the parsed articles wait in the enrich queue, which lives only in
    # Redis and must come back from its append-only file.
    stack.compose("stop", "enricher")
    expected = drop_corpus(stack, "redis", files=10, per_file=8)
    queued = wait_until(lambda: enrich_queue_depth(stack), 300, "parsed articles in the enrich queue")
    stack.compose("restart", "redis")
    assert queued > 0 and not stack.urls(prefix("redis")), "nothing was in flight at the restart"
    stack.compose("up", "-d", "enricher")
    assert_nothing_lost(stack, "redis", expected, files=10)


def test_the_indexer_cut_off_the_network_for_30_s_loses_and_duplicates_nothing(stack):
    # Cut off first, then drop: a warm pipeline can index 80 small articles in the second or two a
    # disconnect takes. They pile up in the index queue while the indexer reaches neither store.
    (indexer,) = stack.containers("indexer")
    network = f"{PROJECT}_default"
    stack.docker("network", "disconnect", network, indexer)
    expected = drop_corpus(stack, "partition", files=10, per_file=8)
    try:
        time.sleep(30)
        assert len(stack.urls(prefix("partition"))) < len(expected), "the indexer wrote while cut off"
    finally:
        stack.docker("network", "connect", network, indexer)
    assert_nothing_lost(stack, "partition", expected, files=10)


def test_data_survives_down_and_up_and_down_v_removes_it(stack):
    before = stack.total()
    accounted = json.loads(stack.newsflow("verify", "--json"))
    assert before > 0 and accounted["unaccounted"] == 0
    stack.sh("down")
    stack.up()
    print(f"warm start (images built) to healthy: {stack.up_seconds:.0f} s")
    assert stack.total() == before
    after = json.loads(stack.newsflow("verify", "--json"))
    assert (after["received"], after["indexed"]) == (accounted["received"], accounted["indexed"])

    stack.compose("down", "-v")
    volumes = stack.docker("volume", "ls", "-q").stdout.split()
    assert [v for v in volumes if v.startswith(f"{PROJECT}_")] == []
