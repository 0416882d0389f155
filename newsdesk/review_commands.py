"""``newsdesk review ...`` and ``newsdesk users ...``: the review desk's command-line glue."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

import uvicorn

from config.settings import Settings
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import is_up_to_date
from review.app import create_app
from review.client import DeskClient
from review.errors import ReviewError
from review.passwords import generate_password
from review.proxies import UVICORN_OPTIONS
from review.terminal import format_item, inert
from review.users import (
    ROLES,
    User,
    activate_user,
    add_user,
    deactivate_user,
    issue_token,
    list_users,
    revoke_tokens,
    set_password,
)

CLI_ACTOR = "cli"
VERDICTS = ("approve", "reject", "escalate")


def _fail(message: str, code: int = 1) -> int:
    print(f"newsdesk: {message}", file=sys.stderr)
    return code


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.review.host
    port = args.port if args.port is not None else settings.review.port
    engine = make_engine(settings.sqlalchemy_url)
    if not is_up_to_date(engine):
        print("newsdesk: warning: the database is not migrated (newsdesk db upgrade); /readyz fails", file=sys.stderr)
    if not _is_loopback(host):
        print(f"newsdesk: warning: serving on {host}; put a TLS proxy in front of it", file=sys.stderr)
        if not settings.review.allowed_hosts:
            print(
                "newsdesk: note: only loopback names and the bind address are answered; set "
                "review.allowed_hosts to the names users reach the desk by",
                file=sys.stderr,
            )
        if not settings.review.trusted_proxies:
            print(
                "newsdesk: note: review.trusted_proxies is empty, so X-Forwarded-For/-Proto are ignored "
                "(every client behind a proxy shares one sign-in limit, and cookies lack Secure)",
                file=sys.stderr,
            )
    print(f"review desk on http://{host}:{port}/ (Ctrl+C stops)", file=sys.stderr)
    # log_config=None keeps the logging newsdesk already configured; forwarded headers are the app's
    # business (review.trusted_proxies), not uvicorn's.
    uvicorn.run(create_app(settings, engine), host=host, port=port, log_config=None, **UVICORN_OPTIONS)
    return 0


def _desk_url(settings: Settings, args: argparse.Namespace) -> str:
    if args.url:
        return str(args.url)
    host = settings.review.host
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a listening address, mapped to loopback for the client
        host = "127.0.0.1"
    return f"http://{host}:{settings.review.port}"


def _token(args: argparse.Namespace) -> str | None:
    if args.token:
        return str(args.token)
    if args.token_file:
        return Path(args.token_file).read_text(encoding="utf-8").strip() or None
    return None


def cmd_next(settings: Settings, args: argparse.Namespace) -> int:
    token = _token(args)
    if not token:
        return _fail("give --token or --token-file (see: newsdesk users token NAME)", 2)
    try:
        with DeskClient(_desk_url(settings, args), token) as desk:
            detail = desk.claim_next(code=args.code, source=args.source, language=args.language)
    except ReviewError as exc:
        return _fail(str(exc))
    if detail is None:
        print("Nothing left to review.")
        return 0
    print(format_item(detail))
    print(f"\nDecide with: newsdesk review decide {detail['item']['id']} approve|reject|escalate --reason '...'")
    return 0


def cmd_decide(settings: Settings, args: argparse.Namespace) -> int:
    token = _token(args)
    if not token:
        return _fail("give --token or --token-file (see: newsdesk users token NAME)", 2)
    if not args.reason.strip():
        return _fail("--reason must not be empty", 2)
    try:
        with DeskClient(_desk_url(settings, args), token) as desk:
            result = desk.decide(args.item_id, args.decision, args.reason, args.apply_to_copies)
    except ReviewError as exc:
        return _fail(str(exc))
    decided = ", ".join(str(item) for item in result.get("decided", []))
    print(f"{args.decision}: item(s) {decided}")
    return 0


def _read_password(args: argparse.Namespace) -> tuple[str, bool] | None:
    """(password, one_time): from the first line of stdin with --password-stdin, else generated."""
    if not args.password_stdin:
        return generate_password(), True
    line = sys.stdin.readline().rstrip("\r\n")
    return (line, False) if line else None


def _show_one_time(name: str, password: str) -> None:
    # On stderr, so `users add NAME --role R > token-file` still captures just the API token.
    print(
        f"one-time sign-in password for {name} (shown once; the desk asks for a new one at sign-in):", file=sys.stderr
    )
    print(f"    {password}", file=sys.stderr)


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> int:
    chosen = _read_password(args)
    if chosen is None:
        return _fail("--password-stdin: stdin held no password (give it on the first line)", 2)
    password, one_time = chosen
    try:
        user, token = add_user(
            make_engine(settings.sqlalchemy_url), args.name, args.role, password, actor=CLI_ACTOR, one_time=one_time
        )
    except ReviewError as exc:
        return _fail(str(exc))
    print(f"created {user.role} {user.name}", file=sys.stderr)
    if one_time:
        _show_one_time(user.name, password)
    print("API token for scripts and `newsdesk review` (shown once, store it now):", file=sys.stderr)
    print(token)
    return 0


def cmd_users_passwd(settings: Settings, args: argparse.Namespace) -> int:
    chosen = _read_password(args)
    if chosen is None:
        return _fail("--password-stdin: stdin held no password (give it on the first line)", 2)
    password, one_time = chosen
    try:
        ended = set_password(
            make_engine(settings.sqlalchemy_url), args.name, password, actor=CLI_ACTOR, one_time=one_time
        )
    except ReviewError as exc:
        return _fail(str(exc))
    if one_time:
        _show_one_time(args.name, password)
    print(f"password of {args.name} changed; {ended} session(s) ended", file=sys.stderr)
    return 0


def cmd_users_deactivate(settings: Settings, args: argparse.Namespace) -> int:
    try:
        tokens, sessions = deactivate_user(make_engine(settings.sqlalchemy_url), args.name, actor=CLI_ACTOR)
    except ReviewError as exc:
        return _fail(str(exc))
    print(f"deactivated {args.name}: {tokens} token(s) revoked, {sessions} session(s) ended")
    return 0


def cmd_users_activate(settings: Settings, args: argparse.Namespace) -> int:
    try:
        activate_user(make_engine(settings.sqlalchemy_url), args.name, actor=CLI_ACTOR)
    except ReviewError as exc:
        return _fail(str(exc))
    print(f"activated {args.name}; issue a token with: newsdesk users token {args.name}")
    return 0


def cmd_users_token(settings: Settings, args: argparse.Namespace) -> int:
    try:
        token = issue_token(make_engine(settings.sqlalchemy_url), args.name, actor=CLI_ACTOR)
    except ReviewError as exc:
        return _fail(str(exc))
    print(f"new API token for {args.name} (shown once):", file=sys.stderr)
    print(token)
    return 0


def cmd_users_revoke(settings: Settings, args: argparse.Namespace) -> int:
    try:
        count = revoke_tokens(make_engine(settings.sqlalchemy_url), args.name, actor=CLI_ACTOR)
    except ReviewError as exc:
        return _fail(str(exc))
    print(f"revoked {count} token(s) of {args.name}")
    return 0


def _password_state(user: User) -> str:
    if not user.has_password:
        return "-"
    return "one-time" if user.must_change_password else "set"


def cmd_users_list(settings: Settings, _args: argparse.Namespace) -> int:
    rows = list_users(make_engine(settings.sqlalchemy_url))
    print(f"{'NAME':<24} {'ROLE':<9} {'ACTIVE':<7} {'PASSWORD':<9} TOKENS")
    for user, tokens in rows:
        print(
            f"{inert(user.name):<24} {user.role:<9} {'yes' if user.active else 'no':<7} "
            f"{_password_state(user):<9} {tokens}"
        )
    return 0


def _client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="review desk base URL (default: from review.host and review.port)")
    parser.add_argument("--token", help="API token (visible to other local users in ps; prefer --token-file)")
    parser.add_argument("--token-file", type=Path, help="file holding the API token")


def _register_review(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = subparsers.add_parser(
        "review",
        help="the human review desk: serve it, or review from the terminal",
        description="Serve the review desk (web pages and JSON API), or claim and decide items from a terminal.",
    )
    commands = review.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    serve = commands.add_parser(
        "serve", help="run the review desk web service", description="Run the review desk under uvicorn."
    )
    serve.add_argument("--host", help="address to bind (default: review.host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default: review.port, 8000)")
    serve.set_defaults(func=cmd_serve)

    nxt = commands.add_parser(
        "next",
        help="claim the next item and print it",
        description="Claim the next item (a lease of review.lease_seconds) and print it with its evidence.",
    )
    _client_options(nxt)
    nxt.add_argument("--code", help="only items flagged with this reason code")
    nxt.add_argument("--source", help="only items from this source id")
    nxt.add_argument("--language", help="only items in this language")
    nxt.set_defaults(func=cmd_next, needs_database=False)

    decide = commands.add_parser(
        "decide",
        help="decide an item you hold",
        description="Approve, reject or escalate an item you claimed; a reason is required.",
    )
    _client_options(decide)
    decide.add_argument("item_id", type=int, metavar="ID", help="review item id (from `review next`)")
    decide.add_argument("decision", choices=VERDICTS, help="the verdict")
    decide.add_argument("--reason", required=True, help="why (kept in the decision log)")
    decide.add_argument("--apply-to-copies", action="store_true", help="decide every copy of the story too")
    decide.set_defaults(func=cmd_decide, needs_database=False)


def _register_users(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser(
        "users",
        help="manage review desk users, passwords and API tokens",
        description="Add users, set passwords, issue and revoke API tokens, deactivate users. Passwords and "
        "tokens are printed once; only hashes are stored.",
    )
    commands = users.add_subparsers(dest="users_command", required=True, metavar="SUBCOMMAND")
    add = commands.add_parser(
        "add",
        help="create a user; print a one-time sign-in password and an API token",
        description="Create a user. Without --password-stdin a one-time password is generated and printed "
        "once: the desk asks for a new one at the first sign-in.",
    )
    add.add_argument("name", help="user name (letters, digits, _ . @ -)")
    add.add_argument(
        "--role", choices=ROLES, required=True, help="reviewer, or admin (may undo and read the audit log)"
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the sign-in password (8+ characters) from the first line of stdin instead",
    )
    add.set_defaults(func=cmd_users_add)
    passwd = commands.add_parser(
        "passwd",
        help="set a new sign-in password (ends the user's sessions)",
        description="Set a user's password and end every session of that user. Without --password-stdin a "
        "one-time password is generated and printed once.",
    )
    passwd.add_argument("name", help="user name")
    passwd.add_argument(
        "--password-stdin", action="store_true", help="read the password (8+ characters) from the first line of stdin"
    )
    passwd.set_defaults(func=cmd_users_passwd)
    deactivate = commands.add_parser(
        "deactivate",
        help="refuse a user from now on: revoke its tokens, end its sessions",
        description="Deactivate a user: sign-in is refused, every API token is revoked and every session ends.",
    )
    deactivate.add_argument("name", help="user name")
    deactivate.set_defaults(func=cmd_users_deactivate)
    activate = commands.add_parser(
        "activate", help="let a deactivated user sign in again", description="Re-activate a user (tokens stay revoked)."
    )
    activate.add_argument("name", help="user name")
    activate.set_defaults(func=cmd_users_activate)
    token = commands.add_parser("token", help="issue a new API token", description="Issue a new API token.")
    token.add_argument("name")
    token.set_defaults(func=cmd_users_token)
    revoke = commands.add_parser("revoke", help="revoke every API token of a user", description="Revoke tokens.")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_users_revoke)
    listing = commands.add_parser("list", help="list users", description="List users, roles and live token counts.")
    listing.set_defaults(func=cmd_users_list)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` and ``users`` commands to newsdesk's parser."""
    _register_review(subparsers)
    _register_users(subparsers)
