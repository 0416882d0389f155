"""Regenerate the desk's screenshots in docs/: ``.venv/bin/python -m tests.browser.screenshots``.

Builds the browser tests' scene in a temporary SQLite desk, serves it on 127.0.0.1 and photographs each
page in Debian's Chromium.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from review.app import create_app
from tests.browser.test_review_browser import CHROMIUM, CHROMIUM_ARGS
from tests.support import desk_scene
from tests.support.review_seed import migrated_engine, sqlite_settings
from tests.support.review_server import live_server

DOCS = Path(__file__).resolve().parents[2] / "docs"


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", desk_scene.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        engine = migrated_engine(f"sqlite:///{data_dir / 'desk.db'}")
        scene = desk_scene.build(engine)
        with live_server(create_app(sqlite_settings(data_dir), engine)) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()

            def snap(name: str, full: bool = True) -> None:
                path = out / f"desk-{name}.png"
                page.screenshot(path=str(path), full_page=full)
                written.append(path)

            sign_in(page, base, "rita")
            snap("queue")
            page.goto(f"{base}/items/{scene.spam}")
            page.keyboard.press(".")
            snap("item")
            page.goto(f"{base}/items/{scene.copies[0]}/compare")
            snap("side-by-side")
            page.goto(f"{base}/items/{scene.hostile}")
            page.locator("iframe.stored-page").scroll_into_view_if_needed()
            snap("stored-page", full=False)
            page.goto(f"{base}/")
            page.keyboard.press("?")
            snap("keys", full=False)
            page.keyboard.press("Escape")
            for item_id in scene.filler[:3]:
                page.check(f"input[name=item_id][value='{item_id}']")
            page.fill("#batch-reason", "spam wave from one network")
            page.click("#batch-form button[value=reject]")
            page.wait_for_url(re.compile(r".*/batch$"))
            snap("batch")
            page.goto(f"{base}/overview")
            snap("overview")
            page.click("header button.link")
            sign_in(page, base, "ada")
            page.goto(f"{base}/rules")
            snap("rules")
            browser.close()
        engine.dispose()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS, help="where the PNG files go (default: docs/)")
    args = parser.parse_args()
    for path in shoot(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
