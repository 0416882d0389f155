"""Schedules are checked when sources load, with Celery's own cron parser, in the ``sources[id].field`` form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from config.errors import ConfigError
from config.sources import in_domains, load_sources, parse_sources


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "wire", "kind": "feed", "start_urls": ["https://wire.test/feed.xml"]}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("cron", "problem"),
    [
        ("0 25 31 2 *", "hour"),
        ("*/61 * * * *", "minute step /61"),
        ("*/0 * * * *", "minute step /0"),
        ("0 0 31 2 *", "never occurs"),
        ("0 0 31 4,6,9,11 *", "never occurs"),
        ("0 0 * 13 *", "month"),
        ("61 * * * *", "minute"),
        ("0 0 * * funday", "day of week"),
    ],
)
def test_a_cron_that_cannot_fire_is_refused_naming_the_source(cron: str, problem: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_sources({"sources": [entry(schedule={"cron": cron})]})
    assert refused.value.key == "sources[wire].schedule.cron"
    assert problem in refused.value.problem
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "cron", ["*/30 * * * *", "0 9 * * mon-fri", "0 0 29 2 *", "5 4 1,15 jan,jul *", "*/59 * * * *"]
)
def test_good_crons_load(cron: str) -> None:
    (source,) = parse_sources({"sources": [entry(schedule={"cron": cron})]})
    assert source.schedule.cron == cron


def test_a_start_url_outside_allowed_domains_is_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_sources({"sources": [entry(allowed_domains=["wire.example"])]})
    assert refused.value.key == "sources[wire].start_urls"
    assert "outside allowed_domains" in refused.value.problem


def test_every_bundled_source_starts_inside_its_allowed_domains() -> None:
    sources = load_sources()
    assert sources
    for source in sources:
        for url in source.start_urls:
            assert in_domains(urlsplit(url).hostname or "", source.allowed_domains), (source.id, url)
