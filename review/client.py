"""A small HTTP client for terminal reviewers (``newsdesk review next`` / ``decide``)."""

from __future__ import annotations

from typing import Any

import httpx

from review.errors import DeskUnavailable

__all__ = ["DeskClient", "DeskUnavailable"]
TIMEOUT_SECONDS = 30.0


class DeskClient:
    """Talks to the JSON API with a Bearer token."""

    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    def __enter__(self) -> DeskClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise DeskUnavailable(f"cannot reach the review desk at {self._http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise DeskUnavailable(f"HTTP {response.status_code}: {detail}", response.status_code)
        body = response.json()
        if not isinstance(body, dict):
            raise DeskUnavailable("unexpected answer from the review desk")
        return body

    def claim_next(
        self, code: str | None = None, source: str | None = None, language: str | None = None
    ) -> dict[str, Any] | None:
        params = {k: v for k, v in {"code": code, "source": source, "language": language}.items() if v}
        body = self._call("POST", "/api/queue/claim", params=params)
        return body if body.get("item") else None

    def decide(self, item_id: int, decision: str, reason: str, apply_to_copies: bool = False) -> dict[str, Any]:
        payload = {"decision": decision, "reason": reason, "apply_to_copies": apply_to_copies}
        return self._call("POST", f"/api/items/{item_id}/decision", json=payload)
