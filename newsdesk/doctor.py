"""``newsdesk doctor`` verdicts: pure functions from observed facts to PASS / WARN / FAIL with a reason.

The probes that gather the facts live in :mod:`newsdesk.doctor_probes`; keeping
the judgement here lets unit tests cover every verdict without servers.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

Status = Literal["PASS", "WARN", "FAIL"]
# Flower paths that must refuse an anonymous GET (UI, API, and the two Flower leaves open by default).
FLOWER_PROBE_PATHS = ("/", "/api/workers", "/metrics", "/healthcheck")


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    reason: str


def masked_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and ``config show``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def redis_version(version_text: str, advisories: Sequence[tuple[str, str]]) -> CheckResult:
    """WARN when the Redis in use has published advisories (``advisories``: id and summary of each)."""
    name = "redis version"
    if not advisories:
        return CheckResult(name, "PASS", f"redis {version_text}: no known advisory in newsdesk's list")
    ids = ", ".join(advisory_id for advisory_id, _ in advisories)
    return CheckResult(
        name,
        "WARN",
        f"redis {version_text} is affected by {ids} ({advisories[0][1]}); upgrade it (a distribution build may "
        "carry the fix), or for the embedded Redis install a newer redis-server or name one in redis_server",
    )


def spool(waiting: int, directory: str, redis_up: bool) -> CheckResult:
    """Pages spooled on disk during a Redis outage: fine while Redis is down, a problem once it is back."""
    name = "spool"
    if waiting == 0:
        return CheckResult(name, "PASS", f"no pages waiting in {directory}")
    if not redis_up:
        return CheckResult(name, "WARN", f"{waiting} page(s) waiting in {directory} until Redis answers")
    return CheckResult(
        name,
        "WARN",
        f"{waiting} page(s) waiting in {directory}; a running worker or beat sends them within a minute",
    )


def persistence(appendonly: str, save: str) -> CheckResult:
    name = "redis persistence"
    if appendonly == "yes":
        return CheckResult(name, "PASS", "append-only file on: queued tasks survive a restart")
    if save.strip():
        return CheckResult(name, "PASS", f"RDB snapshots on (save {save}); up to one interval of tasks may be lost")
    return CheckResult(name, "FAIL", "neither appendonly nor RDB save is on: a restart loses every queued task")


def eviction(policy: str) -> CheckResult:
    name = "redis maxmemory-policy"
    if policy == "noeviction":
        return CheckResult(name, "PASS", "noeviction: a full Redis refuses writes instead of dropping tasks")
    return CheckResult(name, "FAIL", f"{policy}: a full Redis may silently evict queued tasks; set noeviction")


def tcp_auth(anonymous_ping_answered: bool, detail: str) -> CheckResult:
    name = "redis auth"
    if anonymous_ping_answered:
        return CheckResult(name, "FAIL", "Redis answers commands without a password; set requirepass or ACLs")
    return CheckResult(name, "PASS", f"a connection without the password is refused ({detail})")


def socket_auth(path: str, mode: int, anonymous_ping_answered: bool) -> CheckResult:
    """A unix socket is protected by its permissions when only its owner may connect."""
    name = "redis auth"
    if mode & (stat.S_IRWXG | stat.S_IRWXO) == 0:
        return CheckResult(
            name, "PASS", f"unix socket {path} with permissions {stat.S_IMODE(mode):o}: only its owner can connect"
        )
    if anonymous_ping_answered:
        return CheckResult(
            name, "FAIL", f"unix socket {path} is open to others ({stat.S_IMODE(mode):o}) and needs no password"
        )
    return CheckResult(name, "PASS", f"unix socket {path} requires a password")


def consumers(active: Mapping[str, Sequence[str]] | None, expected: Iterable[str]) -> CheckResult:
    """``active`` maps each worker that answered to the queues it consumes; None if none answered."""
    name = "workers"
    if not active:
        return CheckResult(name, "FAIL", "no worker answered; nothing consumes the queues")
    by_queue = {queue: sorted(w for w, queues in active.items() if queue in queues) for queue in expected}
    missing = [queue for queue, workers in by_queue.items() if not workers]
    if missing:
        return CheckResult(name, "FAIL", f"no worker consumes {', '.join(missing)}")
    listed = "; ".join(f"{queue}: {', '.join(workers)}" for queue, workers in by_queue.items())
    return CheckResult(name, "PASS", listed)


def beat(names: Sequence[str]) -> CheckResult:
    if not names:
        return CheckResult("beat", "FAIL", "no scheduler heartbeat in Redis; no crawls are being scheduled")
    return CheckResult("beat", "PASS", f"alive: {', '.join(sorted(names))}")


def flower(url: str, anonymous_statuses: Mapping[str, int] | None) -> CheckResult:
    """``anonymous_statuses`` maps each probed path to the status of a GET without credentials."""
    name = "flower auth"
    if anonymous_statuses is None:
        return CheckResult(name, "WARN", f"no Flower answers at {url}; not checked")
    open_paths = [f"{path} ({code})" for path, code in anonymous_statuses.items() if code != 401]
    if open_paths:
        return CheckResult(name, "FAIL", f"{url} answers without credentials: {', '.join(open_paths)}")
    return CheckResult(name, "PASS", f"{url} answers 401 without credentials on {', '.join(anonymous_statuses)}")


def review(url: str, status: int | None) -> CheckResult:
    """``status`` of GET /readyz on the review desk, None when nothing answers."""
    name = "review desk"
    if status is None:
        return CheckResult(name, "WARN", f"no review desk answers at {url}; not checked")
    if status == 200:
        return CheckResult(name, "PASS", f"{url}/readyz is ready")
    return CheckResult(name, "FAIL", f"{url}/readyz answered {status}: reviewers cannot work")


def database(reachable_error: str | None, up_to_date: bool, where: str) -> CheckResult:
    name = "database"
    if reachable_error is not None:
        return CheckResult(name, "FAIL", f"cannot reach {where}: {reachable_error}")
    if not up_to_date:
        return CheckResult(name, "FAIL", f"{where} is not migrated to the latest schema; run `newsdesk db upgrade`")
    return CheckResult(name, "PASS", f"{where} reachable and migrated")


def exit_code(results: Sequence[CheckResult]) -> int:
    return 1 if any(r.status == "FAIL" for r in results) else 0


def render_table(results: Sequence[CheckResult]) -> str:
    width = max((len(r.name) for r in results), default=10)
    lines = [f"{r.status:<4}  {r.name:<{width}}  {r.reason}" for r in results]
    failed = sum(r.status == "FAIL" for r in results)
    warned = sum(r.status == "WARN" for r in results)
    lines.append(f"\n{len(results)} checks: {failed} failed, {warned} warnings")
    return "\n".join(lines)


def as_json(results: Sequence[CheckResult]) -> dict[str, Any]:
    return {"ok": exit_code(results) == 0, "checks": [asdict(r) for r in results]}
