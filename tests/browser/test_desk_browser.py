"""The second-generation desk in real Chromium: a keyboard-only review of ten items, a batch decision on a
cluster from the side-by-side view, filters and search, the sandboxed stored page, the overview and rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine, func, select

from pipelines.storage.schema import decisions, review_items
from review.app import create_app
from tests.browser.test_review_browser import CHROMIUM, CHROMIUM_ARGS, Watch
from tests.support import desk_scene
from tests.support.review_seed import migrated_engine, sqlite_settings
from tests.support.review_server import live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install -y chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = migrated_engine(f"sqlite:///{data_dir / 'review.db'}")
    yield engine
    engine.dispose()


@pytest.fixture()
def scene(engine: Engine) -> desk_scene.Scene:
    return desk_scene.build(engine)


@pytest.fixture()
def base(engine: Engine, data_dir: Path, scene: desk_scene.Scene) -> Iterator[str]:
    with live_server(create_app(sqlite_settings(data_dir), engine)) as url:
        yield url


def keyboard_sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/")
    page.locator("#username").focus()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(desk_scene.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_keyboard_only_review_of_ten_items(browser: Browser, base: str, engine: Engine) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    keyboard_sign_in(page, base, "rita")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    page.keyboard.press("j")
    page.wait_for_url(re.compile(r".*/items/\d+$"))
    seen = []
    for n in range(10):
        item_id = int(page.locator("#item").get_attribute("data-item-id") or 0)
        seen.append(item_id)
        marks = page.locator("h1.article-title mark, #article-text mark")
        if marks.count():
            page.keyboard.press(".")
            assert page.locator("mark.current").count() == 1
            assert "match 1 of" in page.inner_text("#match-position")
        page.keyboard.press("r" if n % 2 else "a")
        assert page.evaluate("document.activeElement.id") == "reason"
        page.keyboard.type(f"keyboard decision {n}")
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        assert "notice=decided" in page.url
        assert page.locator("#item").get_attribute("data-item-id") != str(item_id)  # auto-advanced
    assert len(set(seen)) == 10
    with engine.connect() as conn:
        rows = conn.execute(
            select(decisions.c.review_item_id, decisions.c.reason).where(
                decisions.c.reviewer == "rita", decisions.c.reason.like("keyboard%")
            )
        ).all()
    assert sorted(r.review_item_id for r in rows) == sorted(seen)
    watch.assert_clean()
    context.close()


def test_every_match_marked_with_a_legend(browser: Browser, base: str, scene: desk_scene.Scene) -> None:
    context = browser.new_context()
    page = context.new_page()
    keyboard_sign_in(page, base, "rita")
    page.goto(f"{base}/items/{scene.spam}")
    assert page.locator("#article-text mark[title='spam']").count() == 3  # three "cheap pills", one evidence span
    legend = page.inner_text("#legend")
    assert "spam 3 matches" in legend and "leftover_boilerplate" in legend
    colours = {page.locator(f"#legend mark >> nth={i}").get_attribute("class") for i in range(2)}
    assert len(colours) == 2
    page.keyboard.press(",")  # backwards wraps to the last match
    assert "of 4" in page.inner_text("#match-position")
    context.close()


def test_batch_decision_on_a_cluster_from_side_by_side(
    browser: Browser, base: str, engine: Engine, scene: desk_scene.Scene
) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    keyboard_sign_in(page, base, "rita")
    page.goto(f"{base}/items/{scene.copies[0]}")
    page.keyboard.press("d")
    page.wait_for_url(re.compile(r".*/compare$"))
    summary = page.inner_text("#compare-summary")
    assert "similarity 0.82" in summary and "fetched first" in summary
    assert page.locator(".diff ins").count() > 0 and page.locator(".diff del").count() > 0
    assert "climbed" in page.locator(".side-by-side .side >> nth=1").locator("ins").all_inner_texts()
    page.fill("#cluster-reason", "syndicated copies of one wire story")
    page.click("#cluster-form button[value=reject]")
    page.wait_for_url(f"{base}/batch")
    result = page.inner_text("#batch-result")
    assert "3 decided, 0 skipped" in result
    with engine.connect() as conn:
        states = (
            conn.execute(select(review_items.c.state).where(review_items.c.id.in_([scene.original, *scene.copies])))
            .scalars()
            .all()
        )
        count = conn.execute(
            select(func.count())
            .select_from(decisions)
            .where(decisions.c.reason == "syndicated copies of one wire story")
        ).scalar_one()
    assert states == ["decided"] * 3 and count == 3
    watch.assert_clean()
    context.close()


def test_filters_search_and_claim_honour_them(browser: Browser, base: str, scene: desk_scene.Scene) -> None:
    context = browser.new_context()
    page = context.new_page()
    keyboard_sign_in(page, base, "rita")
    options = page.locator("select[name=code] option").all_inner_texts()
    assert any(re.fullmatch(r"spam \(\d+\)", o) for o in options)
    page.select_option("select[name=source]", "wire")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*source=wire.*"))
    assert set(page.locator("table.queue tbody tr td:nth-child(6)").all_inner_texts()) == {"wire"}
    page.click("#next-form button")
    page.wait_for_url(re.compile(r".*/items/\d+\?source=wire"))
    assert "wire" in page.inner_text("dl.meta")
    page.goto(f"{base}/")
    page.keyboard.press("/")
    page.keyboard.type("tram")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=tram.*"))
    titles = page.locator("table.queue td.title").all_inner_texts()
    assert titles == ["Council to vote on the tram line"]
    context.close()


def test_stored_page_is_framed_inert(browser: Browser, base: str, scene: desk_scene.Scene) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    keyboard_sign_in(page, base, "ada")
    page.goto(f"{base}/items/{scene.hostile}")
    frame = page.frame_locator("iframe.stored-page")
    assert "This page has moved." in frame.locator("body").inner_text()
    assert frame.locator("img, iframe, script").count() == 0
    page.mouse.move(200, 600)
    page.wait_for_timeout(300)
    page.click("text=Re-run extraction")
    page.wait_for_url(re.compile(r".*notice=reextracted"))
    watch.assert_clean()
    context.close()


def test_overview_and_rules_pages(browser: Browser, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    keyboard_sign_in(page, base, "ada")
    page.goto(f"{base}/overview")
    assert page.locator("svg.chart").count() == 5
    assert "Cohen's kappa" in page.inner_text("#agreement")
    assert "rita" in page.inner_text("#reviewer-numbers")
    page.goto(f"{base}/rules")
    assert page.locator("#rules-table tbody tr").count() > 5
    watch.assert_clean()
    context.close()
