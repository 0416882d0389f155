"""Security headers on every response, errors and static files included; the Host check."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.hosts import host_allowed
from review.pageview import PAGE_CSP, is_stored_page  # desk

# connect-src lets the page's own script renew its lease; nothing else may load.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; frame-src 'self'"  # desk: frame-src for /page
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware) so streaming responses stay streaming."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = str(scope.get("path", "")).startswith("/static/")
        # --- desk: the stored page has its own CSP (no script, no network, sandboxed) and may be framed
        # by the desk itself, nothing else (review.pageview).
        own_frame = is_stored_page(str(scope.get("path", "")))
        # --- end desk

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if own_frame:  # desk
                    headers["Content-Security-Policy"] = PAGE_CSP
                    headers["X-Frame-Options"] = "SAMEORIGIN"
                if not is_static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostCheck:
    """Refuse (400) a request whose ``Host`` is not one the desk is reached by: DNS rebinding sends its own."""

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":  # the desk serves no websockets; the router refuses them
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            hosts = [value.decode("latin-1") for name, value in headers if name == b"host"]
            if len(hosts) != 1 or not host_allowed(hosts[0], self.allowed):
                response = PlainTextResponse("unknown Host header", status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
