"""Server-rendered pages for reviewers in a browser (forms, no client-side build).

The queue's filters travel with the reviewer: the queue page's claim, the item page's decision and its
"next" all carry them, so "claim next" and the auto-advance after a decision pick from what is on screen.
"""

from __future__ import annotations

import contextlib
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from review import audit, decisions, learning, leases, pageview
from review.auth import DeskDep, PageAdmin, PageUser, Principal
from review.clock import utcnow
from review.clusters import CLUSTER_ID_PATTERN, cluster_view
from review.compare import compare
from review.decisions import VERDICTS
from review.desk import Desk
from review.detail import load_detail
from review.errors import InvalidInput, LeaseConflict, NotFound, ReviewError
from review.numbers import stats
from review.overview import charts
from review.queue import MAX_ID, SORTS, STATES, QueueFilter, facets, list_items
from review.rendering import redirect
from review.rendering import render as render_page

router = APIRouter(include_in_schema=False)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Query(max_length=100)]
FormText = Annotated[str, Form(max_length=100)]
FormSearch = Annotated[str, Form(max_length=500)]
MAX_BATCH = 500
# The desk's own notices, chosen by key like review.rendering's so a crafted link cannot put words on a page.
DESK_NOTICES = {
    "decided": "Decision recorded. Here is the next item.",
    "escalated": "Escalated to the admins' queue. Here is the next item.",
    "decided_empty": "Decision recorded. Nothing left to review with these filters.",
    "escalated_empty": "Escalated to the admins' queue. Nothing left to review with these filters.",
    "reextracted": "Extraction re-run over the stored page.",
    "rules_written": "The rules file has a new version; workers load it on their next start.",
}


def render(
    desk: Desk, request: Request, name: str, principal: Principal | None, status: int = 200, **context: object
) -> HTMLResponse:
    notice = DESK_NOTICES.get(request.query_params.get("notice", ""))
    return render_page(desk, request, name, principal, status, desk_notice=notice, **context)


def _filter(code: str, source: str, language: str, q: str, queue: str = "", state: str | None = None) -> QueueFilter:
    chosen = state if state in STATES else None
    return QueueFilter(
        code=code or None,
        source=source or None,
        language=language or None,
        q=q or None,
        queue="admin" if queue == "admin" else "main" if queue == "main" else None,
        state=chosen,
    )


def _carry(queue_filter: QueueFilter, **extra: str) -> str:
    """The filters (and ``extra``) as a query string starting with "?", or "" when there are none."""
    args = queue_filter.query_args()
    if queue_filter.queue:
        args["queue"] = queue_filter.queue
    args.update({key: value for key, value in extra.items() if value})
    return "?" + urlencode(args) if args else ""


@router.get("/")
def queue_page(
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    code: Text = "",
    source: Text = "",
    language: Text = "",
    state: Text = "pending",
    q: Annotated[str, Query(max_length=500)] = "",
    queue: Text = "",
    sort: Text = "priority",
) -> Response:
    queue_filter = _filter(code, source, language, q, queue, state)
    order = sort if sort in SORTS else "priority"
    now = utcnow()
    with desk.engine.connect() as conn:
        items = list_items(conn, queue_filter, now, limit=200, sort=order)
        numbers = stats(conn, now)
        choices = facets(conn, queue_filter, now)
    return render(
        desk,
        request,
        "queue.html",
        principal,
        items=items,
        numbers=numbers,
        facets=choices,
        states=STATES,
        sorts=SORTS,
        verdicts=VERDICTS,
        filters={"code": code, "source": source, "language": language, "state": state, "q": q, "queue": queue},
        sort=order,
    )


@router.post("/claim")
def claim_page(
    desk: DeskDep,
    principal: PageUser,
    skip: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    code: FormText = "",
    source: FormText = "",
    language: FormText = "",
    q: FormSearch = "",
    queue: FormText = "",
) -> Response:
    queue_filter = _filter(code, source, language, q, queue)
    if skip is not None:
        # The lease may have run out or the item been decided: then there is nothing to give back.
        with contextlib.suppress(LeaseConflict, NotFound):
            leases.release(desk.engine, skip, principal.name)
    item_id = leases.claim_next(
        desk.engine, principal.name, desk.lease_seconds, queue_filter, skip=skip, is_admin=principal.is_admin
    )
    if item_id is None:
        return redirect("/" + _carry(queue_filter, notice="empty"))
    return redirect(f"/items/{item_id}" + _carry(queue_filter))


@router.get("/items/{item_id}")
def item_page(
    item_id: ItemId,
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    code: Text = "",
    source: Text = "",
    language: Text = "",
    q: Annotated[str, Query(max_length=500)] = "",
    queue: Text = "",
) -> Response:
    return _item_response(item_id, request, desk, principal, None, 200, _filter(code, source, language, q, queue))


def _item_response(
    item_id: int,
    request: Request,
    desk: Desk,
    principal: Principal,
    error: str | None,
    status: int,
    queue_filter: QueueFilter,
) -> Response:
    with desk.engine.connect() as conn:
        detail = load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin, rules=desk.rules)
        kept = pageview.has_page(conn, item_id)
    holds = detail.item.state == "claimed" and detail.item.lease_owner == principal.name
    may_claim = detail.item.state == "pending" and (principal.is_admin or detail.item.queue == "main")
    if detail.item.second_review == "wanted" and detail.item.first_reviewer == principal.name:
        may_claim = False
    return render(
        desk,
        request,
        "item.html",
        principal,
        status,
        d=detail,
        holds_lease=holds,
        may_claim=may_claim,
        page_kept=kept,
        error=error,
        verdicts=VERDICTS,
        heartbeat_seconds=max(2, desk.lease_seconds // 3),
        carry=queue_filter.query_args() | ({"queue": queue_filter.queue} if queue_filter.queue else {}),
    )


@router.post("/items/{item_id}/claim")
def claim_item_page(
    item_id: ItemId,
    desk: DeskDep,
    principal: PageUser,
    code: FormText = "",
    source: FormText = "",
    language: FormText = "",
    q: FormSearch = "",
    queue: FormText = "",
) -> Response:
    carry = _carry(_filter(code, source, language, q, queue))
    try:
        leases.claim_item(desk.engine, item_id, principal.name, desk.lease_seconds, is_admin=principal.is_admin)
    except LeaseConflict:
        return redirect(f"/items/{item_id}" + (carry + "&" if carry else "?") + "notice=lease")
    return redirect(f"/items/{item_id}" + carry)


@router.post("/items/{item_id}/decision")
def decide_page(
    item_id: ItemId,
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    apply_to_copies: Annotated[bool, Form()] = False,
    code: FormText = "",
    source: FormText = "",
    language: FormText = "",
    q: FormSearch = "",
    queue: FormText = "",
) -> Response:
    queue_filter = _filter(code, source, language, q, queue)
    if decision not in VERDICTS or not reason.strip():
        error = "Choose approve, reject or escalate, and give a reason."
        return _item_response(item_id, request, desk, principal, error, 422, queue_filter)
    try:
        done = decisions.decide(
            desk.engine,
            item_id,
            principal.name,
            decision,
            reason.strip(),
            apply_to_copies=apply_to_copies,
            is_admin=principal.is_admin,
            second_opinion_rate=desk.second_opinion_rate,
        )
    except LeaseConflict:
        return redirect(f"/items/{item_id}?notice=lease")
    except InvalidInput as exc:
        return _item_response(item_id, request, desk, principal, str(exc), 422, queue_filter)
    notice = {"decided": "decided", "escalated": "escalated", "second_opinion_due": "decided"}[done.outcome]
    # Auto-advance: the next item matching the same filters, claimed for the reviewer.
    next_id = leases.claim_next(
        desk.engine, principal.name, desk.lease_seconds, queue_filter, is_admin=principal.is_admin
    )
    if next_id is None:
        return redirect("/" + _carry(queue_filter, notice=f"{notice}_empty"))
    return redirect(f"/items/{next_id}" + _carry(queue_filter, notice=notice))


@router.post("/items/{item_id}/release")
def release_page(item_id: ItemId, desk: DeskDep, principal: PageUser) -> Response:
    try:
        leases.release(desk.engine, item_id, principal.name)
    except LeaseConflict:
        return redirect(f"/items/{item_id}?notice=lease")
    return redirect("/?notice=released")


@router.post("/items/{item_id}/undo")
def undo_page(
    item_id: ItemId,
    request: Request,
    desk: DeskDep,
    principal: PageAdmin,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    if not reason.strip():
        return _item_response(item_id, request, desk, principal, "Give a reason for the undo.", 422, QueueFilter())
    decisions.undo(desk.engine, item_id, principal.name, reason.strip())
    return redirect(f"/items/{item_id}?notice=undone")


@router.get("/items/{item_id}/compare")
def compare_page(
    item_id: ItemId,
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    with_article: Annotated[str, Query(alias="with", max_length=32)] = "",
) -> Response:
    with desk.engine.connect() as conn:
        detail = load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin)
        comparison = compare(conn, detail.item.article_id, with_article or None)
    return render(
        desk, request, "compare.html", principal, d=detail, c=comparison, verdicts=VERDICTS, chosen=with_article
    )


@router.get("/clusters/{cluster_id}")
def cluster_page(
    cluster_id: Annotated[str, Path(pattern=CLUSTER_ID_PATTERN)], request: Request, desk: DeskDep, principal: PageUser
) -> Response:
    """Every member of a story cluster, which one is the original and why."""
    with desk.engine.connect() as conn:
        view = cluster_view(conn, cluster_id)
    return render(desk, request, "cluster.html", principal, c=view)


@router.get("/items/{item_id}/page")
def stored_page(item_id: ItemId, desk: DeskDep, _principal: PageUser) -> Response:
    """The stored page, sanitized; framed by the item page (its CSP comes from review.headers)."""
    with desk.engine.connect() as conn:
        view = pageview.page_view(conn, item_id)
    if view is None:
        raise NotFound(f"the page of item {item_id} was not kept")
    return HTMLResponse(view.html)


@router.get("/items/{item_id}/page-info")
def stored_page_info(item_id: ItemId, request: Request, desk: DeskDep, principal: PageUser) -> Response:
    with desk.engine.connect() as conn:
        detail = load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin)
        view = pageview.page_view(conn, item_id)
    return render(desk, request, "page.html", principal, d=detail, view=view)


@router.post("/items/{item_id}/reextract")
def reextract_page(item_id: ItemId, desk: DeskDep, principal: PageAdmin) -> Response:
    pageview.reextract(desk.engine, item_id, principal.name)
    return redirect(f"/items/{item_id}?notice=reextracted")


@router.post("/batch")
def batch_page(
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    item_id: Annotated[list[int], Form(max_length=MAX_BATCH)] = [],  # noqa: B006 - FastAPI copies defaults
    cluster_of: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    ids = [i for i in item_id if 1 <= i <= MAX_ID][:MAX_BATCH]
    error = None
    result = None
    if decision not in VERDICTS or not reason.strip():
        error = "Choose approve, reject or escalate, and give a reason."
    else:
        try:
            if cluster_of is not None:
                with desk.engine.connect() as conn:
                    ids += decisions.cluster_item_ids(conn, cluster_of)
            if not ids:
                error = "Select at least one item."
            else:
                result = decisions.decide_batch(
                    desk.engine,
                    ids,
                    principal.name,
                    decision,
                    reason.strip(),
                    lease_seconds=desk.lease_seconds,
                    is_admin=principal.is_admin,
                    second_opinion_rate=desk.second_opinion_rate,
                )
        except ReviewError as exc:
            error = str(exc)
    status = 422 if error else 200
    return render(desk, request, "batch.html", principal, status, result=result, error=error, decision=decision)


@router.get("/overview")
def overview_page(request: Request, desk: DeskDep, principal: PageUser) -> Response:
    now = utcnow()
    with desk.engine.connect() as conn:
        figures = stats(conn, now)
        drawn = charts(conn, now)
    return render(desk, request, "overview.html", principal, numbers=figures, charts=drawn, generated=now)


@router.get("/rules")
def rules_page(request: Request, desk: DeskDep, principal: PageAdmin) -> Response:
    reports = learning.report(desk.engine, desk.settings)
    return render(
        desk,
        request,
        "rules.html",
        principal,
        reports=reports,
        target=learning.DEFAULT_TARGET,
        writable=bool(desk.settings.rules_file),
        error=None,
    )


@router.post("/rules/{rule_id}/{proposal}")
def rules_change_page(
    request: Request,
    desk: DeskDep,
    principal: PageAdmin,
    rule_id: Annotated[str, Path(max_length=100, pattern=r"^[0-9A-Za-z_.-]+$")],
    proposal: learning.Proposal,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    if not reason.strip():
        error = "Give a reason for the change."
    else:
        try:
            learning.change_rule(
                desk.engine, desk.settings, rule_id, proposal, principal.name, reason.strip(), utcnow().date()
            )
        except ReviewError as exc:
            error = str(exc)
        else:
            return redirect("/rules?notice=rules_written")
    reports = learning.report(desk.engine, desk.settings)
    return render(
        desk,
        request,
        "rules.html",
        principal,
        422,
        reports=reports,
        target=learning.DEFAULT_TARGET,
        writable=bool(desk.settings.rules_file),
        error=error,
    )


@router.get("/audit")
def audit_page(request: Request, desk: DeskDep, principal: PageAdmin, target: Text = "", actor: Text = "") -> Response:
    with desk.engine.connect() as conn:
        entries = audit.entries(conn, target=target or None, actor=actor or None, limit=500)
    return render(desk, request, "audit.html", principal, entries=entries, filters={"target": target, "actor": actor})
