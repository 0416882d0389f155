"""Doctor verdicts from observed facts (the probes are covered by tests/integration/test_ops_doctor_servers.py)."""

from __future__ import annotations

import stat

from config.settings import parse_settings
from newsdesk import doctor
from newsdesk.doctor import CheckResult
from newsdesk.doctor import masked_url as masked
from newsdesk.doctor_probes import default_flower_url

QUEUES = ("newsdesk.crawl", "newsdesk.process")


def test_persistence_needs_aof_or_rdb() -> None:
    assert doctor.persistence("yes", "").status == "PASS"
    assert doctor.persistence("no", "3600 1 300 100").status == "PASS"
    failed = doctor.persistence("no", "")
    assert failed.status == "FAIL" and "restart" in failed.reason


def test_only_noeviction_keeps_tasks() -> None:
    assert doctor.eviction("noeviction").status == "PASS"
    for policy in ("allkeys-lru", "volatile-lru", "allkeys-random", "volatile-ttl"):
        assert doctor.eviction(policy).status == "FAIL"


def test_tcp_redis_answering_without_password_fails() -> None:
    assert doctor.tcp_auth(True, "PONG").status == "FAIL"
    assert doctor.tcp_auth(False, "Authentication required.").status == "PASS"


def test_owner_only_socket_is_protected_by_permissions() -> None:
    owner_only = stat.S_IFSOCK | 0o700
    verdict = doctor.socket_auth("/x/redis.sock", owner_only, anonymous_ping_answered=True)
    assert verdict.status == "PASS" and "700" in verdict.reason
    world = stat.S_IFSOCK | 0o777
    assert doctor.socket_auth("/x/redis.sock", world, anonymous_ping_answered=True).status == "FAIL"
    assert doctor.socket_auth("/x/redis.sock", world, anonymous_ping_answered=False).status == "PASS"


def test_every_queue_needs_a_consumer() -> None:
    assert doctor.consumers(None, QUEUES).status == "FAIL"
    crawl_only = doctor.consumers({"crawl@a": ["newsdesk.crawl"]}, QUEUES)
    assert crawl_only.status == "FAIL" and "newsdesk.process" in crawl_only.reason
    both = doctor.consumers({"crawl@a": ["newsdesk.crawl"], "proc@b": ["newsdesk.process"]}, QUEUES)
    assert both.status == "PASS" and "proc@b" in both.reason


def test_beat_heartbeat() -> None:
    assert doctor.beat([]).status == "FAIL"
    assert doctor.beat(["host:1"]).status == "PASS"


def test_flower_must_refuse_anonymous_requests_everywhere() -> None:
    url = "http://127.0.0.1:5555"
    assert doctor.flower(url, None).status == "WARN"
    assert doctor.flower(url, dict.fromkeys(doctor.FLOWER_PROBE_PATHS, 401)).status == "PASS"
    leaky = dict.fromkeys(doctor.FLOWER_PROBE_PATHS, 401) | {"/metrics": 200}
    verdict = doctor.flower(url, leaky)
    assert verdict.status == "FAIL" and "/metrics (200)" in verdict.reason


def test_review_desk_readiness() -> None:
    assert doctor.review("http://127.0.0.1:8000", None).status == "WARN"
    assert doctor.review("http://127.0.0.1:8000", 200).status == "PASS"
    assert doctor.review("http://127.0.0.1:8000", 503).status == "FAIL"


def test_database_verdicts() -> None:
    assert doctor.database(None, True, "db").status == "PASS"
    assert "db upgrade" in doctor.database(None, False, "db").reason
    assert doctor.database("connection refused", False, "db").status == "FAIL"


def test_any_fail_makes_a_nonzero_exit_and_the_table_shows_each_reason() -> None:
    results = [CheckResult("a", "PASS", "fine"), CheckResult("b", "WARN", "hmm")]
    assert doctor.exit_code(results) == 0
    results.append(CheckResult("c", "FAIL", "broken"))
    assert doctor.exit_code(results) == 1
    table = doctor.render_table(results)
    assert "FAIL  c  broken" in table and "1 failed, 1 warnings" in table
    assert doctor.as_json(results)["ok"] is False


def test_passwords_never_reach_the_report() -> None:
    assert masked("redis://:hunter2@redis:6379/0") == "redis://:***@redis:6379/0"
    assert masked("postgresql+psycopg://app:hunter2@db/newsdesk") == "postgresql+psycopg://app:***@db/newsdesk"
    assert masked("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_flower_bound_to_all_interfaces_is_probed_on_loopback() -> None:
    settings = parse_settings(None, {"NEWSDESK_FLOWER_HOST": "0.0.0.0", "NEWSDESK_FLOWER_PORT": "5600"})
    assert default_flower_url(settings) == "http://127.0.0.1:5600"
