"""The FastAPI app factory: wiring only; routes live in :mod:`review.api` and :mod:`review.pages`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException

from config.hosts import allowed_hosts
from config.settings import Settings
from pipelines.storage.engine import make_engine
from review import api, pages, signin
from review.auth import PASSWORD_PATH, LoginRequired, PasswordChangeRequired
from review.desk import Desk
from review.errors import InvalidInput, LeaseConflict, NotFound, ReviewError
from review.headers import HostCheck, SecurityHeaders
from review.proxies import TrustedProxies, parse_networks
from review.ratelimit import SignInLimits
from review.rendering import neutralise_bidi
from review.secret import load_secret
from review.sessions import SessionCodec

HERE = Path(__file__).parent
ERROR_STATUS: dict[type[ReviewError], int] = {NotFound: 404, LeaseConflict: 409, InvalidInput: 422}


def make_templates() -> jinja2.Environment:
    # Autoescape everything: scraped text reaches these templates.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=neutralise_bidi,  # every {{ value }}: bidi overrides from scraped text are shown, not obeyed
    )


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _error_response(request: Request, status: int, message: str, headers: dict[str, str] | None) -> Response:
    if _wants_html(request):
        desk: Desk = request.app.state.desk
        html = desk.templates.get_template("error.html").render(
            user=None, csrf="", notice=None, status=status, message=message
        )
        return Response(html, status_code=status, media_type="text/html", headers=headers)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


async def _login_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _password_change_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or target == "/":
        return RedirectResponse(PASSWORD_PATH, status_code=303)
    return RedirectResponse(f"{PASSWORD_PATH}?next={quote(target, safe='')}", status_code=303)


async def _review_error(request: Request, exc: Exception) -> Response:
    status = next((code for cls, code in ERROR_STATUS.items() if isinstance(exc, cls)), 400)
    return _error_response(request, status, str(exc), None)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error_response(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """Build the review desk; ``engine`` defaults to one for ``settings.sqlalchemy_url``."""
    app = FastAPI(
        title="newsdesk review desk",
        version="1",
        description="Queue, leases and decisions for flagged articles.",
        docs_url=None,  # Swagger UI pulls scripts from a CDN, which the CSP forbids
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    review = settings.review
    app.state.desk = Desk(
        settings=settings,
        engine=engine or make_engine(settings.sqlalchemy_url),
        sessions=SessionCodec(load_secret(settings)),
        limits=SignInLimits(review.login_attempts_per_minute, review.login_account_failures_per_minute),
        templates=make_templates(),
    )
    # Innermost first: the Host check's refusals still get the security headers, and both see the
    # client and scheme a trusted proxy reported.
    app.add_middleware(HostCheck, allowed=allowed_hosts(review.allowed_hosts, review.host))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedProxies, networks=parse_networks(review.trusted_proxies))
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PasswordChangeRequired, _password_change_required)
    app.add_exception_handler(ReviewError, _review_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(signin.router)
    app.include_router(pages.router)
    return app
