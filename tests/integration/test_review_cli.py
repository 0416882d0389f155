"""``newsdesk users ...`` and ``newsdesk review ...`` handlers, called as the CLI calls them."""

from __future__ import annotations

import argparse
import hashlib
import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from config.settings import Settings
from newsdesk.review_commands import register
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import api_tokens, review_items, users
from review.app import create_app
from tests.support.review_seed import SeedArticle, SeedFlag, seed_article, sqlite_settings
from tests.support.review_server import client_for, live_server
from tests.support.review_signin import sign_in


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="newsdesk")
    register(root.add_subparsers(dest="command", required=True))
    return root


def run(settings: Settings, *argv: str) -> int:
    args = parser().parse_args(argv)
    code: int = args.func(settings, args)
    return code


@pytest.fixture()
def settings(data_dir: Path) -> Settings:
    settings = sqlite_settings(data_dir)
    upgrade(settings.sqlalchemy_url)
    return settings


def test_users_commands(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    assert run(settings, "users", "add", "rita", "--role", "reviewer", "--password-stdin") == 0
    first = capsys.readouterr().out.strip()
    assert first.startswith("nd_")
    assert run(settings, "users", "token", "rita") == 0
    second = capsys.readouterr().out.strip()
    assert second.startswith("nd_")
    assert second != first

    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as conn:
        hashes = set(conn.execute(select(api_tokens.c.token_hash)).scalars())
        user = conn.execute(select(users)).one()
    engine.dispose()
    # Only hashes are stored; the password is a salted scrypt hash.
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in (first, second)}
    assert user.password_hash.startswith("scrypt$")
    assert "a long password" not in user.password_hash

    assert run(settings, "users", "list") == 0
    listing = capsys.readouterr().out
    assert "rita" in listing
    assert listing.splitlines()[1].split()[-1] == "2"

    assert run(settings, "users", "revoke", "rita") == 0
    assert "revoked 2" in capsys.readouterr().out
    assert run(settings, "users", "add", "rita", "--role", "admin") == 1  # exists already
    assert run(settings, "users", "token", "ghost") == 1
    assert "no user named" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser().parse_args(["users", "add", "x", "--role", "owner"])


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["review", "--help"], ["review", "decide", "--help"], ["users", "add", "--help"]):
        with pytest.raises(SystemExit) as exited:
            parser().parse_args(argv)
        assert exited.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_terminal_review(settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Hello \x1b[2J world. Buy cheap pills today."
    item_id = seed_article(
        settings_engine := make_engine(settings.sqlalchemy_url),
        SeedArticle("art1", title="Pill offer", text=text, flags=(SeedFlag("spam", "cheap pills"),)),
    )
    assert run(settings, "users", "add", "rita", "--role", "reviewer") == 0
    token_file = data_dir / "token"
    token_file.write_text(capsys.readouterr().out)

    assert run(settings, "review", "next") == 2  # no token given
    with live_server(create_app(settings, settings_engine)) as base:
        client = ("--url", base, "--token-file", str(token_file))
        assert run(settings, "review", "next", *client) == 0
        shown = capsys.readouterr().out
        assert f"Item {item_id}" in shown
        assert "»cheap pills«" in shown
        assert "\x1b" not in shown  # the escape sequence is displayed, not emitted
        assert "\\u001b[2J" in shown
        assert run(settings, "review", "next", *client) == 0
        assert "Nothing left" in capsys.readouterr().out
        assert run(settings, "review", "decide", str(item_id), "reject", "--reason", "pill spam", *client) == 0
        assert "reject" in capsys.readouterr().out
        assert run(settings, "review", "decide", str(item_id), "approve", "--reason", "again", *client) == 1
        assert "409" in capsys.readouterr().err
    with settings_engine.connect() as conn:
        row = conn.execute(select(review_items).where(review_items.c.id == item_id)).one()
    settings_engine.dispose()
    assert (row.state, row.decision, row.decided_by) == ("decided", "reject", "rita")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_binds_loopback(data_dir: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "newsdesk", "--data-dir", str(data_dir), "review", "serve", "--port", str(port)]
    log = data_dir / "serve.log"
    with log.open("wb") as sink, subprocess.Popen(command, stdout=sink, stderr=sink) as process:
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                    break
                except httpx.TransportError:
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "serve did not come up"
                    time.sleep(0.2)
            assert ready.status_code == 200
            listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True, check=False).stdout
            assert f"127.0.0.1:{port}" in listening
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_users_add_gives_a_sign_in_and_passwd_deactivate_end_it(
    settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    assert run(settings, "users", "add", "alice", "--role", "reviewer") == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("nd_")  # stdout is the token alone, as scripts expect
    one_time = err.split("one-time sign-in password for alice", 1)[1].splitlines()[1].strip()
    assert len(one_time) >= 16
    assert one_time not in out
    with live_server(create_app(settings, engine)) as base, client_for(base) as browser:
        signed = sign_in(browser, "alice", one_time)
        assert signed.status_code == 303
        assert signed.headers["location"] == "/password"
        assert browser.get("/password").status_code == 200

        monkeypatch.setattr(sys, "stdin", io.StringIO("alice chose this\n"))
        assert run(settings, "users", "passwd", "alice", "--password-stdin") == 0
        assert "1 session(s) ended" in capsys.readouterr().err
        assert browser.get("/").status_code == 303  # signed out
        assert sign_in(browser, "alice", one_time).status_code == 401
        assert sign_in(browser, "alice", "alice chose this").headers["location"] == "/"  # no change asked

        assert run(settings, "users", "deactivate", "alice") == 0
        assert "1 token(s) revoked, 1 session(s) ended" in capsys.readouterr().out
        assert browser.get("/").status_code == 303
        assert browser.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert sign_in(browser, "alice", "alice chose this").status_code == 401

        assert run(settings, "users", "activate", "alice") == 0
        assert sign_in(browser, "alice", "alice chose this").status_code == 303
        assert browser.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert run(settings, "users", "passwd", "alice", "--password-stdin") == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert run(settings, "users", "passwd", "alice", "--password-stdin") == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert run(settings, "users", "deactivate", "ghost") == 1
    assert "no user named 'ghost'" in capsys.readouterr().err
    engine.dispose()
