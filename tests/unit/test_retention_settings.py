"""Retention settings: defaults keep everything, bad values are refused with the key, cut-offs are plain dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.errors import ConfigError
from config.settings import RetentionSettings, parse_settings
from pipelines.storage.retention import cutoffs

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_defaults_keep_everything() -> None:
    retention = parse_settings(None, {}).retention
    assert (retention.text_days, retention.bodies_days, retention.flags_days) == (0, 0, 0)
    assert cutoffs(retention, NOW).to_json() == {"text": None, "bodies": None, "flags": None}


def test_ages_from_the_environment_and_the_file() -> None:
    settings = parse_settings(
        {"retention": {"bodies_days": 7, "batch_size": 250}},
        {"NEWSDESK_RETENTION_TEXT_DAYS": "90", "NEWSDESK_RETENTION_FLAGS_DAYS": "365"},
    )
    assert settings.retention == RetentionSettings(text_days=90, bodies_days=7, flags_days=365, batch_size=250)
    limits = cutoffs(settings.retention, NOW)
    assert limits.text == datetime(2026, 9, 3, 12, 0, tzinfo=UTC)
    assert limits.bodies == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert limits.flags == datetime(2025, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("environ", "key", "says"),
    [
        ({"NEWSDESK_RETENTION_TEXT_DAYS": "-1"}, "NEWSDESK_RETENTION_TEXT_DAYS", ">= 0"),
        ({"NEWSDESK_RETENTION_BODIES_DAYS": "ninety"}, "NEWSDESK_RETENTION_BODIES_DAYS", "a number"),
        ({"NEWSDESK_RETENTION_FLAGS_DAYS": "40000"}, "retention.flags_days", "days up to"),
        ({"NEWSDESK_RETENTION_BATCH_SIZE": "0"}, "retention.batch_size", "from 1 to"),
        # A rebuilt duplicate index reads stored text: text must outlive the index's own retention.
        ({"NEWSDESK_RETENTION_TEXT_DAYS": "7"}, "retention.text_days", "dedupe.retention_days (30)"),
        ({"NEWSDESK_DEDUPE_POSTING_SHARDS": "5000"}, "dedupe.posting_shards", "from 0 to 1024"),
    ],
)
def test_bad_values_name_the_key(environ: dict[str, str], key: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_settings(None, environ)
    assert key in str(refused.value) and says in str(refused.value)


def test_short_text_retention_with_a_shorter_duplicate_index() -> None:
    settings = parse_settings(None, {"NEWSDESK_RETENTION_TEXT_DAYS": "7", "NEWSDESK_DEDUPE_RETENTION_DAYS": "7"})
    assert settings.retention.text_days == 7


def test_posting_shards_default_to_one_slot_and_are_read_from_the_environment() -> None:
    assert parse_settings(None, {}).dedupe.posting_shards == 0
    assert parse_settings(None, {"NEWSDESK_DEDUPE_POSTING_SHARDS": "12"}).dedupe.posting_shards == 12
