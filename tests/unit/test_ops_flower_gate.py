"""The gate in front of Flower: who gets through, and what read-only mode refuses."""

from __future__ import annotations

import base64

import pytest

from newsdesk.flower_launcher import authorized, credentials_problem, gate_status

CREDENTIALS = "admin:correct horse:battery"


def basic(value: str) -> str:
    return "Basic " + base64.b64encode(value.encode()).decode()


def test_exact_credentials_pass_and_anything_else_is_refused() -> None:
    assert authorized(basic(CREDENTIALS), CREDENTIALS)
    assert authorized("basic " + base64.b64encode(CREDENTIALS.encode()).decode(), CREDENTIALS)
    for header in (
        None,
        "",
        basic("admin:wrong"),
        basic("admin:correct horse"),  # a prefix of the password
        basic(CREDENTIALS + "x"),
        "Bearer " + base64.b64encode(CREDENTIALS.encode()).decode(),
        "Basic not-base64!!",
        "Basic",
    ):
        assert not authorized(header, CREDENTIALS), header


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_no_credentials_means_401_for_every_method(method: str) -> None:
    assert gate_status(method, None, CREDENTIALS, read_only=False) == 401
    assert gate_status(method, None, CREDENTIALS, read_only=True) == 401


def test_read_only_lets_reads_through_and_refuses_every_write() -> None:
    good = basic(CREDENTIALS)
    assert gate_status("GET", good, CREDENTIALS, read_only=True) is None
    assert gate_status("HEAD", good, CREDENTIALS, read_only=True) is None
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "post"):
        assert gate_status(method, good, CREDENTIALS, read_only=True) == 403
        assert gate_status(method, good, CREDENTIALS, read_only=False) is None


def test_flower_needs_a_user_and_a_password() -> None:
    assert credentials_problem("") is not None
    assert credentials_problem("admin") is not None
    assert credentials_problem("admin:") is not None
    assert credentials_problem(":secret") is not None
    assert credentials_problem("admin:a-long-secret") is None


@pytest.mark.parametrize("password", ["x", "secret", "eleven-char"])
def test_flower_refuses_a_password_under_12_characters(password: str) -> None:
    problem = credentials_problem(f"admin:{password}")
    assert problem is not None and "at least 12" in problem
    assert credentials_problem(f"admin:{password}{'x' * (12 - len(password))}") is None
