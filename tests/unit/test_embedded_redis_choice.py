"""Which redis-server the embedded Redis runs, and which versions have known advisories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.errors import ConfigError
from newsdesk import doctor
from workers import embedded_redis


def fake_server(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    binary = directory / "redis-server"
    binary.write_text(f"#!/bin/sh\necho 'Redis server v={version} sha=00000000:0 malloc=libc bits=64'\n")
    binary.chmod(0o755)
    return binary


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64", (7, 0, 15)),
        ("6.2.14", (6, 2, 14)),
        ("nonsense", None),
    ],
)
def test_versions_are_read_from_either_spelling(text: str, version: tuple[int, int, int] | None) -> None:
    assert embedded_redis.parse_version(text) == version


@pytest.mark.parametrize(
    ("version", "affected"),
    [((6, 2, 14), True), ((6, 2, 20), False), ((7, 0, 15), True), ((7, 2, 11), False), ((7, 4, 5), True),
     ((8, 2, 2), False), ((8, 4, 0), False), ((5, 0, 7), True)],
)  # fmt: skip
def test_the_lua_use_after_free_is_known_per_release_line(version: tuple[int, int, int], affected: bool) -> None:
    ids = {advisory.id for advisory in embedded_redis.advisories_for(version)}
    assert ("CVE-2025-49844" in ids) is affected


def test_redislites_own_server_is_flagged() -> None:
    version = embedded_redis.binary_version(embedded_redis.bundled_binary())
    assert version == (6, 2, 14)
    verdict = doctor.redis_version("6.2.14", [(a.id, a.summary) for a in embedded_redis.advisories_for(version)])
    assert verdict.status == "WARN" and "CVE-2025-49844" in verdict.reason
    assert doctor.redis_version("8.2.2", []).status == "PASS"


def test_a_newer_server_on_path_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newer = fake_server(tmp_path / "newer", "8.2.2")
    monkeypatch.setenv("PATH", f"{newer.parent}{os.pathsep}{os.environ['PATH']}")
    assert embedded_redis.choose_binary() == (str(newer), (8, 2, 2))


def test_an_older_server_on_path_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    older = fake_server(tmp_path / "older", "5.0.7")
    monkeypatch.setenv("PATH", f"{older.parent}{os.pathsep}{os.environ['PATH']}")
    path, version = embedded_redis.choose_binary()
    assert path != str(older) and version is not None and version > (5, 0, 7)


def test_the_server_named_in_settings_wins_and_must_run(tmp_path: Path) -> None:
    named = fake_server(tmp_path / "named", "7.2.11")
    assert embedded_redis.choose_binary(str(named)) == (str(named), (7, 2, 11))
    with pytest.raises(ConfigError) as refused:
        embedded_redis.choose_binary(str(tmp_path / "missing"))
    assert refused.value.key == "redis_server"
