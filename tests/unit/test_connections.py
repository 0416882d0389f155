"""workers.connections: role URLs parsed and checked, defaults to the one Redis, broker options per kind."""

from __future__ import annotations

import pytest

from config.errors import ConfigError
from config.settings import parse_settings
from workers.app import celery_config
from workers.connections import broker_transport_options, parse_endpoint, resolve_roles

MAIN = "redis://127.0.0.1:6379/0"


def test_every_role_defaults_to_the_one_redis() -> None:
    roles = resolve_roles(parse_settings(None, {}), MAIN)
    assert {roles.broker.url, roles.state.url, roles.bodies.url} == {MAIN}
    assert roles.bodies_with_state
    assert roles.state.kind == "plain"


def test_roles_from_the_environment() -> None:
    environ = {
        "NEWSDESK_REDIS_BROKER_URL": "sentinel://127.0.0.1:26379;sentinel://127.0.0.2:26380/2",
        "NEWSDESK_REDIS_SENTINEL_MASTER": "queue",
        "NEWSDESK_REDIS_STATE_URL": "redis-cluster://10.0.0.1:7000,10.0.0.2:7001",
        "NEWSDESK_REDIS_BODIES_URL": "redis://bodies.internal:6380/1",
    }
    roles = resolve_roles(parse_settings(None, environ), MAIN)
    assert roles.broker.kind == "sentinel"
    assert roles.broker.nodes == (("127.0.0.1", 26379), ("127.0.0.2", 26380))
    assert roles.broker.db == 2
    assert roles.broker.master_name == "queue"
    assert roles.state.is_cluster and roles.state.nodes == (("10.0.0.1", 7000), ("10.0.0.2", 7001))
    assert roles.bodies.kind == "plain" and not roles.bodies_with_state


def test_bodies_follow_the_state_when_unset() -> None:
    settings = parse_settings(None, {"NEWSDESK_REDIS_STATE_URL": "redis://state:6379/0"})
    roles = resolve_roles(settings, MAIN)
    assert roles.bodies.url == "redis://state:6379/0" and roles.bodies_with_state
    assert roles.broker.url == MAIN


@pytest.mark.parametrize(
    ("role", "url", "fault"),
    [
        ("broker", "redis-cluster://a:7000", "broker cannot be a Redis Cluster"),
        ("state", "http://a:6379", "expected a redis://"),
        ("state", "redis-cluster://a:notaport", "not a number"),
        ("state", "redis-cluster://a:70000", "port from 1 to 65535"),
        ("state", "redis-cluster://a:7000/3", "only database 0"),
        ("state", "sentinel://a:26379/99", "0 to 15"),
        ("bodies", "sentinel://", "expected sentinel://host"),
    ],
)
def test_bad_urls_name_the_setting(role: str, url: str, fault: str) -> None:
    with pytest.raises(ConfigError, match=fault) as caught:
        parse_endpoint(role, url, setting=f"redis.{role}_url", sentinel_master="m")  # type: ignore[arg-type]
    assert f"redis.{role}_url" in str(caught.value)


def test_sentinel_needs_a_master_name() -> None:
    with pytest.raises(ConfigError, match=r"redis\.sentinel_master"):
        parse_endpoint("broker", "sentinel://a:26379", setting="redis.broker_url")


def test_sentinel_broker_tells_kombu_the_master_name() -> None:
    endpoint = parse_endpoint("broker", "sentinel://a:26379", setting="redis.broker_url", sentinel_master="q")
    options = broker_transport_options(endpoint)
    assert options == {"master_name": "q"}
    config = celery_config(parse_settings(None, {}), endpoint.url, options)
    assert config["broker_transport_options"]["master_name"] == "q"
    # The delivery guarantees stay as they are for every broker kind.
    assert config["broker_transport_options"]["visibility_timeout"] == 300
    assert broker_transport_options(parse_endpoint("broker", MAIN, setting="redis_url")) == {}
