"""The review desk in headless Chromium (Debian's), driven by Playwright.

The app runs under uvicorn on 127.0.0.1 with a seeded SQLite database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright
from sqlalchemy import Engine, select

from pipelines.storage.schema import audit_log, decisions, review_items
from review.app import create_app
from tests.support.review_seed import (
    SeedArticle,
    SeedFlag,
    make_user,
    migrated_engine,
    seed_article,
    sqlite_settings,
)
from tests.support.review_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "reviewer password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install -y chromium"),
]


@dataclass
class Watch:
    """What the page did that it should not: dialogs, console errors, script errors."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        def on_dialog(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append(message.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.console_errors == []
        assert self.page_errors == []


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
def base(engine: Engine, data_dir: Path) -> Iterator[str]:
    with live_server(create_app(sqlite_settings(data_dir), engine)) as url:
        yield url


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_reviewer_claims_sees_evidence_and_approves(browser: Browser, base: str, engine: Engine) -> None:
    text = "City council meets on Monday.\nAn advert says: buy cheap pills online.\nThe meeting is public."
    item_id = seed_article(
        engine,
        SeedArticle(
            "art1",
            title="Council meeting",
            text=text,
            flags=(SeedFlag("spam", "cheap pills"),),
            stripped=({"category": "share_bar", "text": "Share on social"},),
        ),
    )
    seed_article(engine, SeedArticle("copy1", title="Council meeting (copy)", duplicate_of="art1", priority=1))
    make_user(engine, "rita", password=PASSWORD)
    make_user(engine, "ada", "admin", password=PASSWORD)
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)

    sign_in(page, base, "rita")
    page.keyboard.press("j")  # the shortcut claims the next item
    page.wait_for_url(f"{base}/items/{item_id}")
    mark = page.locator("#article-text mark")
    assert mark.count() == 1
    assert mark.inner_text() == "cheap pills"
    assert "Share on social" in page.locator("ul.stripped").inner_text()
    assert "Council meeting (copy)" in page.locator("section.copies").inner_text()

    page.keyboard.press("a")  # choose approve: focus moves to the reason box
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("advert quoted in a news story")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*notice=decided"))
    assert "Decision recorded." in page.inner_text("main")
    assert page.url.startswith(f"{base}/items/")  # auto-advance: the next item (the copy) is open
    page.goto(f"{base}/items/{item_id}")
    assert "approve" in page.locator("section.history").inner_text()

    with engine.connect() as conn:
        row = conn.execute(select(decisions)).one()
    assert (row.review_item_id, row.decision, row.reviewer) == (item_id, "approve", "rita")
    assert row.reason == "advert quoted in a news story"

    page.click("header button.link")  # sign out
    page.wait_for_url(re.compile(r".*/login.*"))
    sign_in(page, base, "ada")
    page.goto(f"{base}/audit")
    decision_row = page.locator("tr.audit-decision")
    assert decision_row.count() == 1
    shown = decision_row.inner_text()
    assert "rita" in shown
    assert f"item:{item_id}" in shown
    assert "approve" in shown
    assert "advert quoted in a news story" in shown
    assert page.locator("tr.audit-claim").count() == 2  # the item, then the copy the auto-advance claimed
    watch.assert_clean()
    context.close()


PAYLOAD_SCRIPT = "<script>alert(1)</script>"
PAYLOAD_IMG = "<img src=x onerror=alert(1)>"


def test_hostile_article_is_inert(browser: Browser, base: str, engine: Engine) -> None:
    text = f"Before {PAYLOAD_SCRIPT} middle {PAYLOAD_IMG} after."
    item_id = seed_article(
        engine,
        SeedArticle(
            "evil",
            title=f"Title {PAYLOAD_IMG}",
            text=text,
            url="javascript:alert(1)",
            flags=(SeedFlag("xss", PAYLOAD_SCRIPT), SeedFlag("xss2", PAYLOAD_IMG, field="title")),
            stripped=({"category": "ad_slot", "text": PAYLOAD_SCRIPT + PAYLOAD_IMG},),
        ),
    )
    make_user(engine, "rita", password=PASSWORD)
    context = browser.new_context()
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    sign_in(page, base, "rita")
    page.click("#next-form button")
    page.wait_for_url(f"{base}/items/{item_id}")
    page.wait_for_timeout(300)  # give any injected handler a chance to fire

    body = page.inner_text("#article-text")
    assert PAYLOAD_SCRIPT in body
    assert PAYLOAD_IMG in body
    assert page.locator("#article-text mark").inner_text() == PAYLOAD_SCRIPT
    assert PAYLOAD_IMG in page.locator("h1 mark").inner_text()
    assert PAYLOAD_SCRIPT + PAYLOAD_IMG in page.inner_text("ul.stripped")
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # only our own static file
    assert page.locator("a[href^='javascript']").count() == 0
    assert "javascript:alert(1)" in page.inner_text("dl.meta")
    # The queue page shows the hostile title as text too.
    page.goto(f"{base}/?state=claimed")
    assert f"Title {PAYLOAD_IMG}" in page.inner_text("table.queue")
    page.wait_for_timeout(200)
    watch.assert_clean()
    context.close()


@pytest.mark.slow
def test_open_item_page_renews_its_lease(browser: Browser, engine: Engine, data_dir: Path) -> None:
    """review.js sends heartbeats (with the CSRF header) while the reviewer is active."""
    item_id = seed_article(engine, SeedArticle("art1"))
    make_user(engine, "rita", password=PASSWORD)
    with live_server(create_app(sqlite_settings(data_dir, lease_seconds=6), engine)) as url:
        context = browser.new_context()
        page = context.new_page()
        watch = Watch()
        watch.attach(page)
        sign_in(page, url, "rita")
        page.click("#next-form button")
        page.wait_for_url(f"{url}/items/{item_id}")
        with engine.connect() as conn:
            claimed_until = conn.execute(select(review_items.c.lease_expires_at)).scalar_one()
        for _ in range(9):  # stay "active" for 4.5 s: the script beats every 2 s
            page.mouse.move(10, 10)
            page.mouse.move(20, 20)
            page.wait_for_timeout(500)
        with engine.connect() as conn:
            row = conn.execute(select(review_items)).one()
            beats = conn.execute(select(audit_log).where(audit_log.c.action == "heartbeat")).all()
        assert row.state == "claimed"
        assert row.lease_owner == "rita"
        assert row.lease_expires_at > claimed_until
        assert len(beats) >= 1
        watch.assert_clean()
        context.close()
