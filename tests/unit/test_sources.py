from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.sources import find_source, load_sources, parse_sources


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "daily",
        "name": "Daily",
        "kind": "feed",
        "start_urls": ["https://daily.example/feed.xml"],
        "schedule": {"every": 600},
    }
    base.update(overrides)
    return base


def test_bundled_sources_file_is_valid() -> None:
    sources = load_sources()
    assert {s.kind for s in sources} == {"feed", "sitemap", "site"}


def test_defaults_fill_in_domains_and_politeness() -> None:
    (source,) = parse_sources({"sources": [entry()]})
    assert source.allowed_domains == ("daily.example",)
    assert source.enabled and not source.allow_private_hosts
    assert source.schedule.every_seconds == 600


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"kind": "podcast"}, "sources[daily].kind"),
        ({"start_urls": []}, "sources[daily].start_urls"),
        ({"start_urls": ["file:///etc/passwd"]}, "sources[daily].start_urls"),
        ({"schedule": {"every": 1}}, "sources[daily].schedule.every"),
        ({"schedule": {"cron": "every day"}}, "sources[daily].schedule.cron"),
        ({"schedule": "hourly"}, "sources[daily].schedule"),
        ({"politeness": {"max_pages": -1}}, "sources[daily].politeness.max_pages"),
        ({"politeness": {"speed": 3}}, "sources[daily].politeness.speed"),
        ({"deny": ["("]}, "sources[daily].deny"),
        ({"enabled": "yes"}, "sources[daily].enabled"),
        ({"language": "english"}, "sources[daily].language"),
        ({"colour": "red"}, "sources[daily].colour"),
        ({"id": "Bad Id"}, "sources[0].id"),
    ],
)
def test_malformed_sources_name_the_source_and_field(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources({"sources": [entry(**overrides)]})
    assert caught.value.key == key


def test_duplicate_ids_and_unknown_ids_are_refused() -> None:
    with pytest.raises(ConfigError, match="duplicate source id"):
        parse_sources({"sources": [entry(), entry()]})
    sources = parse_sources({"sources": [entry()]})
    with pytest.raises(ConfigError, match="no source with id 'other'"):
        find_source(sources, "other")


def test_unreadable_or_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources: {not: a list}", encoding="utf-8")
    with pytest.raises(ConfigError, match="top-level 'sources:' list"):
        load_sources(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")
