"""Rendering helpers shared by the page routes: templates, redirects, cookie flags."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from review.auth import Principal
from review.desk import Desk

# Notices are chosen by key so a crafted link cannot put words on the page.
NOTICES = {
    "empty": "Nothing left to review with these filters.",
    "decided": "Decision recorded.",
    "released": "Item released back to the queue.",
    "lease": "You hold no live lease on that item (it may have expired or been decided).",
    "undone": "Decision undone: the item is back in the queue.",
    "signed_out": "Signed out.",
}


def render(
    desk: Desk, request: Request, name: str, principal: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    html = desk.templates.get_template(name).render(
        user=principal.user if principal else None,
        csrf=principal.csrf_token if principal else "",
        notice=NOTICES.get(request.query_params.get("notice", "")),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only same-site paths: "//host" or "/\\host" would leave the site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def is_secure(request: Request) -> bool:
    """Mark cookies Secure when served over TLS (directly or via a trusted proxy)."""
    return request.url.scheme == "https"
