"""Rendering helpers shared by the page routes: templates, redirects, cookie flags, inert scraped text."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from review.auth import Principal
from review.desk import Desk
from review.terminal import BIDI_CONTROLS

# An embedding, override or isolate character from a page would reorder what the reviewer reads
# ("Trojan Source"); each is shown as a visible code point instead.
_BIDI_VISIBLE = {ord(char): f"[U+{ord(char):04X}]" for char in BIDI_CONTROLS}

# Notices are chosen by key so a crafted link cannot put words on the page.
NOTICES = {
    "empty": "Nothing left to review with these filters.",
    "decided": "Decision recorded.",
    "released": "Item released back to the queue.",
    "lease": "You hold no live lease on that item (it may have expired or been decided).",
    "undone": "Decision undone: the item is back in the queue.",
    "signed_out": "Signed out.",
}


def neutralise_bidi(value: Any) -> Any:
    """Jinja2 ``finalize``: every printed value loses its bidi controls; markup stays markup."""
    if isinstance(value, Markup):
        # Safe: the replacements hold no markup characters, so escaped text stays escaped.
        return Markup(str(value).translate(_BIDI_VISIBLE))  # noqa: S704
    if isinstance(value, str):
        return value.translate(_BIDI_VISIBLE)
    return value


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
    """Mark cookies Secure when served over TLS, directly or via a proxy in ``review.trusted_proxies``."""
    return request.url.scheme == "https"
