from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load_settings, parse_settings, read_config_file, settings_as_dict


def test_defaults_are_valid_and_use_embedded_services(tmp_path: Path) -> None:
    settings = parse_settings(None, {}, data_dir=tmp_path)
    assert settings.uses_embedded_redis
    assert settings.sqlalchemy_url == f"sqlite:///{(tmp_path / 'newsdesk.db').resolve()}"
    assert settings.worker.soft_time_limit < settings.worker.time_limit < settings.worker.visibility_timeout


def test_environment_overrides_file_which_overrides_defaults() -> None:
    file_data = {"worker": {"concurrency": 3, "max_attempts": 7}, "log_level": "WARNING"}
    env = {"NEWSDESK_WORKER_CONCURRENCY": "5", "NEWSDESK_REDIS_URL": "redis://h:6379/1"}
    settings = parse_settings(file_data, env)
    assert settings.worker.concurrency == 5
    assert settings.worker.max_attempts == 7
    assert settings.log_level == "WARNING"
    assert settings.redis_url == "redis://h:6379/1"


@pytest.mark.parametrize(
    ("file_data", "env", "key"),
    [
        (None, {"NEWSDESK_WORKER_CONCURRENCY": "many"}, "NEWSDESK_WORKER_CONCURRENCY"),
        (None, {"NEWSDESK_LOG_FORMAT": "xml"}, "NEWSDESK_LOG_FORMAT"),
        (None, {"NEWSDESK_CRAWL_OBEY_ROBOTS": "perhaps"}, "NEWSDESK_CRAWL_OBEY_ROBOTS"),
        ({"worker": {"concurrency": 0}}, {}, "worker.concurrency"),
        ({"worker": {"time_limit": 900}}, {}, "worker.visibility_timeout"),
        ({"wrker": {}}, {}, "wrker"),
        ({"worker": "fast"}, {}, "worker"),
        (None, {"NEWSDESK_REDIS_URL": "http://localhost"}, "redis_url"),
        (None, {"NEWSDESK_FLOWER_BASIC_AUTH": "admin"}, "flower.basic_auth"),
        (None, {"NEWSDESK_CRAWL_HANDOFF_BATCH_SIZE": "0"}, "crawl.handoff_batch_size"),
        ({"crawl": {"handoff_batch_size": 501}}, {}, "crawl.handoff_batch_size"),
    ],
)
def test_bad_values_name_the_key(file_data: dict[str, object] | None, env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(file_data, env)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_config_file_errors_are_config_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("worker: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        read_config_file(broken)
    with pytest.raises(ConfigError, match="cannot read"):
        read_config_file(tmp_path / "missing.yaml")


def test_load_settings_reads_the_file_and_hides_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "newsdesk.yaml"
    config.write_text("flower:\n  basic_auth: ops:s3cret\nreview:\n  secret_key: abc\n", encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
    monkeypatch.setenv("NEWSDESK_TEST_ANYTHING", "ignored")
    settings = load_settings(data_dir=tmp_path)
    assert settings.flower.basic_auth == "ops:s3cret"
    shown = settings_as_dict(settings)
    assert "s3cret" not in str(shown) and "abc" not in str(shown["review"])
