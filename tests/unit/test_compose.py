"""The compose file's shape: every service, one beat, secrets required, Redis safe, Flower protected, health checks.

No Docker engine runs here, so the file is checked as data; ``${VAR:?message}`` is compose's
"required variable" form, which makes ``docker compose up`` fail when the variable is unset.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("redis", "postgres", "crawl-worker", "process-worker", "beat", "flower", "review", "metrics")
SECRETS = ("REDIS_PASSWORD", "POSTGRES_PASSWORD", "FLOWER_BASIC_AUTH", "REVIEW_SECRET_KEY")
VARIABLE = re.compile(r"\$\{([A-Z_]+)(:?[-?+])?([^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command", [])
    return " ".join(command) if isinstance(command, list) else str(command)


def test_every_part_of_the_system_is_a_service(services: dict[str, Any]) -> None:
    assert set(LONG_RUNNING) | {"migrate"} <= set(services)
    assert command_text(services["migrate"]) == "db upgrade"
    assert "--queues newsdesk.crawl" in command_text(services["crawl-worker"])
    assert "--queues newsdesk.process" in command_text(services["process-worker"])
    assert command_text(services["review"]).startswith("review serve")
    assert command_text(services["metrics"]).startswith("metrics serve")


def test_exactly_one_beat(services: dict[str, Any]) -> None:
    beats = [name for name, service in services.items() if command_text(service).split()[:1] == ["beat"]]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_redis_persists_and_never_evicts_and_needs_a_password(services: dict[str, Any]) -> None:
    command = command_text(services["redis"])
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    assert "--maxmemory-policy noeviction" in command
    assert "--requirepass" in command
    assert any(volume.endswith(":/data") for volume in services["redis"]["volumes"])
    app_url = services["crawl-worker"]["environment"]["NEWSDESK_REDIS_URL"]
    assert "${REDIS_PASSWORD:?" in app_url


def test_flower_cannot_run_without_authentication(services: dict[str, Any]) -> None:
    flower = [name for name, service in services.items() if "flower" in command_text(service).split()[:1]]
    assert flower == ["flower"]
    auth = services["flower"]["environment"]["NEWSDESK_FLOWER_BASIC_AUTH"]
    assert auth.startswith("${FLOWER_BASIC_AUTH:?")
    # Published only on the host's loopback; the health check itself carries the credentials.
    assert all(str(port).startswith("127.0.0.1:") for port in services["flower"].get("ports", []))
    assert "Authorization" in " ".join(services["flower"]["healthcheck"]["test"])
    for service in services.values():
        assert "FLOWER_UNAUTHENTICATED_API" not in str(service.get("environment", {}))


def test_every_secret_is_required_and_none_has_a_default(compose: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    uses = {match.group(1): (match.group(2), match.group(3)) for match in VARIABLE.finditer(text)}
    for secret in SECRETS:
        assert secret in uses, f"{secret} is not used"
    for match in VARIABLE.finditer(text):
        name, operator = match.group(1), match.group(2)
        if name in SECRETS:
            assert operator == ":?", f"${{{name}}} must be written ${{{name}:?message}}, not with {operator!r}"
    assert not re.search(r"(PASSWORD|SECRET|BASIC_AUTH)[A-Z_]*:\s*['\"]?[A-Za-z0-9]", _literal_values(compose))


def _literal_values(compose: dict[str, Any]) -> str:
    """Every ``KEY: value`` environment entry whose value is not a variable reference."""
    lines = []
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if not str(value).startswith("${") and "${" not in str(value):
                lines.append(f"{key}: {value}")
    return "\n".join(lines)


def test_every_long_running_service_has_a_health_check(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
        assert check["test"] != ["NONE"]


def test_start_order_waits_for_health_and_migrations(services: dict[str, Any]) -> None:
    for name in ("crawl-worker", "process-worker", "beat", "review", "metrics"):
        depends = services[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"


def test_workers_and_metrics_share_the_metrics_volume(services: dict[str, Any]) -> None:
    for name in ("crawl-worker", "process-worker", "metrics"):
        assert "metrics:/var/lib/newsdesk/metrics" in services[name]["volumes"]


def test_image_runs_as_non_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.MULTILINE)
    assert "pip install" in dockerfile
