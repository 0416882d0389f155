"""Sign in to a live review desk the way a browser does (form token, cookies)."""

from __future__ import annotations

import re

import httpx

PASSWORD = "correct horse battery"


def login_token(http: httpx.Client) -> str:
    page = http.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def sign_in(http: httpx.Client, name: str, password: str = PASSWORD, next_url: str = "/") -> httpx.Response:
    return http.post(
        "/login", data={"username": name, "password": password, "csrf_token": login_token(http), "next": next_url}
    )


def page_csrf(http: httpx.Client, path: str = "/") -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', http.get(path).text)
    assert match
    return match.group(1)
