"""The analyst page in a real browser (Debian's Chromium through Playwright) on the real stack.

One pipeline of this module's own (real parser, enricher and indexer workers on
an isolated prefix) ingests the seed page, a few more pages and one empty file
(a dead letter); the page is served by the API's app on a free port; every test
drives Chromium against it. Every request the browser makes is intercepted: one
that leaves the page's own server fails the test that made it.

Screenshots of the search, article and pipeline pages at 1280 and 390 px are
written to ``test-output/page/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright import sync_api as playwright_api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
OUTPUT = ROOT / "test-output" / "page"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = [
    ROOT / "seeds",
    ROOT / "tests/fixtures/text_dumps/briefly_five.txt",
    ROOT / "tests/fixtures/text_dumps/morning_wire_two.txt",
    ROOT / "tests/fixtures/text_dumps/newspulse_three.txt",
    ROOT / "tests/fixtures/parser/news_article.html",
]
WIDTHS = (1280, 390)
SEED_FETCHED_AT = "2025-06-05T08:00:00Z"



# -- the stack: one pipeline and one server for the whole module ------------------------------
@pytest.fixture(scope="module")
def stack(redis_service, es_service, base_settings, tmp_path_factory):
    """Settings of a pipeline that has ingested ``PAGES`` and one empty file, workers stopped."""
    from newsflow.stack import LocalStack, StackError, isolated_pipeline

    prefix = "t" + uuid.uuid4().hex[:12]
    folder = tmp_path_factory.mktemp("page")
    # One process per worker at normal priority: a dozen pages need no more, and an idle-priority
    # parser can wait minutes for a core on a machine shared with other test runs.
    settings, env = isolated_pipeline(
        base_settings, prefix, folder / "runtime", NEWSFLOW_RETRY_BACKOFF_S="0.2",
        NEWSFLOW_PARSER_CONCURRENCY="1", NEWSFLOW_ENRICHER_CONCURRENCY="1",
        NEWSFLOW_PARSER_SCHEDULING="normal", NEWSFLOW_ENRICHER_SCHEDULING="normal",
        NEWSFLOW_INDEXER_SCHEDULING="normal",
    )  # fmt: skip
    empty = folder / "empty.html"
    empty.write_bytes(b"")
    # The same story syndicated under another address: a near-duplicate of the Courier's article.
    copy = folder / "river-barrier-syndicated.html"
    original = (ROOT / "tests/fixtures/parser/news_article.html").read_text(encoding="utf-8")
    copy.write_text(original.replace("courier.example/news/2025/01/15/river-barrier", "wire.example/river-barrier"),
                    encoding="utf-8")
    workers = LocalStack(settings, child_env=env)
    try:
        try:
            workers.start_workers()
        except StackError as exc:
            pytest.fail(f"workers did not start: {exc}", pytrace=False)
        # The seed dump says "3 days ago": it was crawled on 5 June 2025, so its articles have days.
        for paths, extra in (([ROOT / "seeds"], ["--fetched-at", SEED_FETCHED_AT]), ([*PAGES[1:], copy, empty], [])):
            result = subprocess.run(
                [sys.executable, "-m", "newsflow.cli", "ingest", *map(str, paths), *extra, "--wait"],
                env={**os.environ, **env}, capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
            )  # fmt: skip
            assert "indexed" in result.stdout, result.stdout + result.stderr
        yield settings
    finally:
        for name in ("parser", "enricher", "indexer"):
            workers.managed(name).stop()
        _clean(settings, prefix)


def _clean(settings, prefix: str) -> None:
    import redis
    from elasticsearch import Elasticsearch

    from services.indexer.es import delete_by_prefix

    client = redis.Redis.from_url(settings.redis_url)
    keys = [*client.scan_iter(match=f"{prefix}*"), *client.scan_iter(match=f"_kombu.binding.{prefix}*")]
    if keys:
        client.delete(*keys)
    es = Elasticsearch(settings.elasticsearch_url, request_timeout=30)
    delete_by_prefix(es, prefix)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app(settings, token: str):
    """The API's own app, exactly as ``newsflow api`` serves it (the page is one of its routers)."""
    from pydantic import SecretStr

    from services.api.app import create_app

    return create_app(settings.model_copy(update={"api_tokens": SecretStr(token)}))


@pytest.fixture(scope="module")
def server(stack):
    import uvicorn

    token = secrets.token_urlsafe(24)
    port = _free_port()
    config = uvicorn.Config(_app(stack, token), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the page's server did not start"
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "token": token}
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/bootstrap.sh installs it)", pytrace=False)
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


class Visit:
    """A browser context on the page's server that records (and blocks) any request elsewhere."""

    def __init__(self, browser, server, width: int = 1280):
        self.base = server["base"]
        self.token = server["token"]
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route):
        url = route.request.url
        if url.startswith((self.base + "/", "data:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def sign_in(self) -> Visit:
        self.page.goto(self.base + "/login")
        self.page.get_by_label("API token").fill(self.token)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.base + "/")
        return self

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def total(self) -> int:
        return int(self.page.locator("#result-count b").inner_text().replace(",", ""))

    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)


@pytest.fixture
def visit(browser, server):
    v = Visit(browser, server).sign_in()
    yield v
    v.context.close()
    assert v.outside == [], f"the page asked for something outside its server: {v.outside}"
    assert v.errors == [], f"the page's scripts failed: {v.errors}"


# -- sign-in ---------------------------------------------------------------------------------
def test_the_page_asks_for_the_apis_token_and_remembers_it(browser, server):
    v = Visit(browser, server)
    v.page.goto(server["base"] + "/?q=Kim")
    assert "/login" in v.page.url
    v.page.get_by_label("API token").fill("not-the-token")
    v.page.get_by_role("button", name="Sign in").click()
    assert v.page.get_by_role("alert").inner_text() == "That token is not one the API accepts."
    v.page.get_by_label("API token").fill(server["token"])
    v.page.get_by_role("button", name="Sign in").click()
    v.page.wait_for_url(re.compile(r".*/\?q=Kim$"))  # back where the user was going
    assert v.total() >= 1
    cookie = {c["name"]: c for c in v.context.cookies()}["newsflow_session"]
    assert cookie["httpOnly"] and server["token"] not in cookie["value"]
    v.page.get_by_role("button", name="Sign out").click()
    v.page.goto(server["base"] + "/")
    assert "/login" in v.page.url
    v.context.close()


# -- search: each control narrows the results, and the URL holds the whole state -------------
def test_a_query_finds_the_north_korea_story_with_its_person_and_place(visit):
    visit.go("/")
    everything = visit.total()
    visit.page.get_by_label("Search articles").fill("Kim Jong Un")
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_url(re.compile(r".*q=Kim\+Jong\+Un"))
    visit.page.wait_for_load_state("networkidle")
    assert 1 <= visit.total() < everything
    first = visit.page.locator(".hit h3").first.inner_text()
    assert "North Korea" in first
    people = visit.page.locator('[data-facet="person"] .name').all_inner_texts()
    assert "Kim Jong Un" in people
    assert visit.page.locator('#map path.place-marker[data-place="North Korea"]').count() == 1
    # The URL round-trips: opening it again shows the same search.
    url, total = visit.page.url, visit.total()
    visit.page.goto("about:blank")
    visit.page.goto(url)
    assert visit.total() == total and visit.page.get_by_label("Search articles").input_value() == "Kim Jong Un"


def test_a_facet_click_filters_shows_a_chip_and_the_chip_removes_it(visit):
    visit.go("/")
    everything = visit.total()
    facet = visit.page.locator('[data-facet="person"] li a').first
    name = facet.locator(".name").inner_text()
    count = int(facet.locator(".count").inner_text())
    facet.click()
    visit.page.wait_for_load_state("networkidle")
    assert visit.params()["person"] == [name]
    assert visit.total() == count < everything
    chip = visit.page.get_by_role("link", name=f"Remove People {name}")
    chip.click()
    visit.page.wait_for_load_state("networkidle")
    assert "person" not in visit.params() and visit.total() == everything


def test_dragging_across_the_timeline_filters_by_published_day(visit):
    visit.go("/")
    everything = visit.total()
    days = visit.page.evaluate("NF.data().published")
    # From the first June bar's centre to the last one's: a day is only a few pixels wide here,
    # and a bar's centre is its day whichever pixel the mouse lands on.
    june = [d for d in days if d["day"].startswith("2025-06")]
    assert len(june) >= 2, days
    box = visit.page.evaluate(
        """([first, last]) => {
            const el = document.querySelector('#timeline-published .plot');
            const plot = el._plot, over = plot.over.getBoundingClientRect();
            const x = (day) => over.left + plot.valToPos(NF.dayToTs(day), 'x');
            return {a: x(first), b: x(last), y: over.top + over.height / 2};
        }""",
        [june[0]["day"], june[-1]["day"]],
    )
    visit.page.mouse.move(box["a"], box["y"])
    visit.page.mouse.down()
    visit.page.mouse.move(box["b"], box["y"], steps=8)
    visit.page.mouse.up()
    visit.page.wait_for_url(re.compile(r".*since=.*until="))
    visit.page.wait_for_load_state("networkidle")
    params = visit.params()
    assert params["since"] == [june[0]["day"]] and params["until"] == [june[-1]["day"]]
    assert visit.total() == sum(d["count"] for d in june) < everything
    published = visit.page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime.slice(0, 10))")
    assert published and all(june[0]["day"] <= day <= june[-1]["day"] for day in published)
    # The range shows as chips too, and the URL reloads to the same results.
    assert visit.page.get_by_role("link", name=f"Remove Published from {june[0]['day']}").count() == 1
    total = visit.total()
    visit.page.reload()
    assert visit.total() == total


def test_clicking_a_place_on_the_map_filters_by_it(visit):
    visit.go("/")
    everything = visit.total()
    visit.page.wait_for_selector("#map[data-ready]")
    target = visit.page.evaluate(
        """() => {
            for (const path of document.querySelectorAll('#map path.place-marker')) {
                const r = path.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (document.elementFromPoint(x, y) === path) return {name: path.dataset.place, x, y};
            }
            return null;
        }"""
    )
    assert target, "no place marker is clickable"
    visit.page.mouse.click(target["x"], target["y"])
    visit.page.wait_for_url(re.compile(r".*place="))
    visit.page.wait_for_load_state("networkidle")
    assert visit.params()["place"] == [target["name"]]
    assert 1 <= visit.total() < everything
    assert visit.page.locator(f'#map path.place-marker[data-place="{target["name"]}"]').count() == 1


def test_a_map_place_is_reachable_with_the_keyboard(visit):
    visit.go("/?q=Kim+Jong+Un")
    visit.page.wait_for_selector("#map[data-ready]")
    marker = visit.page.locator('#map path.place-marker[data-place="North Korea"]')
    marker.focus()
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_url(re.compile(r".*place=North\+Korea"))
    assert visit.params() == {"q": ["Kim Jong Un"], "place": ["North Korea"]}


def test_export_csv_has_every_match_of_the_current_filters(visit):
    visit.go("/?person=Vladimir+Putin")
    total = visit.total()
    href = visit.page.get_by_role("link", name="export CSV").get_attribute("href")
    assert "person=Vladimir+Putin" in href
    response = visit.page.request.get(visit.base + href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    lines = response.text().strip().splitlines()
    assert lines[0].startswith("article_id,") and len(lines) - 1 == total


def test_near_duplicates_are_hidden_until_one_click_shows_them_marked(visit):
    visit.go("/?q=river+barrier")
    assert visit.total() == 1 and visit.page.locator(".dup-mark").count() == 0
    visit.page.locator("#show-dups").click()
    visit.page.wait_for_load_state("networkidle")
    assert visit.params() == {"q": ["river barrier"], "dups": ["show"]}
    assert visit.total() == 2
    duplicate = visit.page.locator(".hit.duplicate")
    assert duplicate.count() == 1 and duplicate.locator(".dup-mark").inner_text() == "near-duplicate"
    # Each copy's article page names the other.
    duplicate.locator("h3 a").click()
    visit.page.wait_for_load_state("networkidle")
    panel = visit.page.get_by_role("complementary", name="About this article")
    assert panel.get_by_role("heading", name="Near-duplicates").count() == 1
    assert "River barrier" in panel.locator("section", has_text="Near-duplicates").inner_text()


def test_paging_keeps_the_filters_and_never_repeats_a_hit(visit):
    visit.go("/?lang=en&size=5")
    total = visit.total()
    assert total > 10
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += visit.page.locator(".hit h3 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        following = visit.page.get_by_role("link", name="Next →")
        if not following.count():
            break
        following.click()
        visit.page.wait_for_load_state("networkidle")
        assert visit.params()["lang"] == ["en"] and visit.params()["size"] == ["5"]
    assert pages == -(-total // 5) and len(seen) == len(set(seen)) == total


# -- the article ------------------------------------------------------------------------------
def test_the_article_marks_the_monday_as_the_second_of_june(visit):
    visit.go('/?q="peace+talks"+Turkiye')
    visit.page.locator(".hit h3 a").first.click()
    visit.page.wait_for_load_state("networkidle")
    assert "Turkiye" in visit.page.locator("h1").inner_text()
    monday = visit.page.locator("time.mark.date", has_text="Monday (June 2, 2025)")
    assert monday.count() == 1 and monday.get_attribute("data-value") == "2025-06-02"
    monday.hover()
    tip = monday.locator(".tip")
    assert tip.is_visible() and tip.inner_text().startswith("2025-06-02")
    # People, organisations and places are marked in their own colours and link to filtered searches.
    umerov = visit.page.locator(".body a.mark.person", has_text="Rustem Umerov")
    assert umerov.count() == 1 and umerov.get_attribute("href") == "/?person=Rustem+Umerov"
    assert visit.page.locator(".body a.mark.place", has_text="Istanbul").count() >= 1
    colours = {kind: visit.page.locator(f".body .mark.{kind}").first.evaluate("e => getComputedStyle(e).backgroundColor")
               for kind in ("person", "org", "place", "date")}
    assert len(set(colours.values())) == 4, colours
    # The side panel: counts, the small map and timeline, provenance.
    side = visit.page.get_by_role("complementary", name="About this article")
    assert side.get_by_role("link", name="Rustem Umerov").count() == 1
    visit.page.wait_for_selector("#map[data-ready]")
    assert visit.page.locator("#map path.place-marker").count() >= 2
    assert visit.page.locator("#timeline-article canvas").count() == 1
    assert "000_617e04975ce0a18a.txt" in side.inner_text()


def test_kim_jong_un_is_a_person_linked_to_a_search(visit):
    visit.go("/?q=Kim+Jong+Un")
    visit.page.locator(".hit h3 a", has_text="North Korea").first.click()
    visit.page.wait_for_load_state("networkidle")
    kim = visit.page.locator(".body a.mark.person", has_text="Kim Jong Un").first
    assert kim.get_attribute("href") == "/?person=Kim+Jong+Un"
    kim.click()
    visit.page.wait_for_load_state("networkidle")
    assert visit.params() == {"person": ["Kim Jong Un"]}
    assert "North Korea" in visit.page.locator(".hit h3").first.inner_text()


# -- the pipeline -----------------------------------------------------------------------------
def test_the_pipeline_shows_files_queues_and_dead_letters_and_refreshes(visit):
    visit.go("/pipeline")
    assert visit.page.locator('[data-state="indexed"] td').inner_text() == str(len(PAGES) + 1)
    assert visit.page.locator('[data-state="failed"] td').inner_text() == "1"
    assert visit.page.locator('[data-queue="parse"] td').inner_text() == "0"
    dead = visit.page.locator("table.dead tbody tr")
    assert dead.count() == 1 and "empty.html" in dead.inner_text()
    stamp = visit.page.locator("#pipeline time").last
    before = stamp.get_attribute("datetime")
    visit.page.wait_for_function(
        "before => [...document.querySelectorAll('#pipeline time')].pop().dateTime !== before",
        arg=before, timeout=30_000,
    )
    assert visit.page.locator('[data-state="indexed"] td').inner_text() == str(len(PAGES) + 1)


# -- errors are a sentence --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status", "words"),
    [("/?since=June", 400, "is not a day"), ("/articles/no-such-article", 404, "No article has that id")],
)
def test_errors_are_one_sentence_never_a_traceback(visit, path, status, words):
    response = visit.go(path)
    assert response.status == status
    alert = visit.page.get_by_role("alert").inner_text()
    assert words in alert and alert.endswith(".") and "Traceback" not in visit.page.content()


def test_a_malformed_query_still_searches_and_says_how_it_was_read(visit):
    response = visit.go('/?q="Kim+Jong')
    assert response.status == 200
    assert visit.page.get_by_role("status").count() == 1 and visit.total() >= 1


# -- screenshots at both widths ---------------------------------------------------------------
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_at_both_widths(browser, server, width):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    v = Visit(browser, server, width=width).sign_in()
    v.go("/?q=Kim+Jong+Un")
    article = v.page.locator(".hit h3 a").first.get_attribute("href")
    shots = {"search": "/", "search-kim": "/?q=Kim+Jong+Un", "article": article, "pipeline": "/pipeline"}
    for name, path in shots.items():
        v.go(path)
        if v.page.locator("#map").count():
            v.page.wait_for_selector("#map[data-ready]")
        if name == "article":  # show one date's explanation, as hovering does
            v.page.locator("time.mark.date").first.focus()
        # Readable at this width: nothing wider than the window (no sideways scrolling).
        assert v.page.evaluate("document.documentElement.scrollWidth") <= width, name
        target = OUTPUT / f"{name}-{width}.png"
        v.page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    v.context.close()
    assert v.outside == [] and v.errors == []


def test_a_timeline_stretched_by_a_few_old_dates_opens_on_the_busiest_days(visit):
    visit.go("/")
    days = visit.page.evaluate("NF.data().mentioned")
    assert days[0]["day"] < "1960", "the Kim story recalls the Korean war (1950-53)"
    figure = visit.page.locator("#timeline-mentioned")
    shown = figure.evaluate("f => { const s = f.querySelector('.plot')._plot.scales.x; return [s.min, s.max]; }")
    assert shown[0] > visit.page.evaluate(f"NF.dayToTs('{days[0]['day']}')")
    assert "more on days outside this view" in figure.locator(".outside").inner_text()
    figure.get_by_role("button", name="show all days").click()
    shown = figure.evaluate("f => { const s = f.querySelector('.plot')._plot.scales.x; return [s.min, s.max]; }")
    assert shown[0] <= visit.page.evaluate(f"NF.dayToTs('{days[0]['day']}')")
    assert figure.locator(".outside").inner_text().startswith("All days shown.")
