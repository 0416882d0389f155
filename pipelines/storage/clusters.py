"""A cluster's original in SQL, kept in step with the duplicate index in the article's own transaction.

The index decides (one Lua call per article, pipelines.dedupe) and numbers each change of a cluster's original
(its epoch).  Every save of a member brings the cluster row up to the highest epoch seen and then settles all
members on that row's original: the original names no article as its source, every other member names the
original, copy flags move with the original, and a review item the new original had only for being taken for a
copy is withdrawn (kept, decided as ``withdrawn``, audited).  Settling is idempotent, so redelivered and racing
saves, in any order, end in the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from pipelines.copy_flags import CopyFlags
from pipelines.models import Flag, FlagOutcome, OriginEvidence, ProcessedArticle
from pipelines.storage.schema import articles, audit_log, clusters, flags, review_items
from pipelines.urls import article_id

REVIEW_ACTIONS = frozenset({"flag", "hold"})
OPEN_STATES = ("pending", "claimed")


@dataclass(frozen=True)
class ClusterState:
    id: str
    original_id: str
    epoch: int
    reason: str


def cluster_of(processed: ProcessedArticle) -> ClusterState:
    """The cluster the index put ``processed`` in (a lone article is its own)."""
    verdict = processed.verdict
    return ClusterState(
        id=verdict.cluster_id or processed.article_id,
        original_id=verdict.original_id or processed.article_id,
        epoch=verdict.epoch,
        reason=verdict.reason,
    )


def evidence_row(evidence: OriginEvidence | None) -> dict[str, Any] | None:
    """``articles.origin_evidence``: the evidence dedupe weighed, each named source with the markup naming it."""
    if evidence is None:
        return None
    return {
        "role": evidence.role,
        "published": evidence.published,
        "fetched_at": evidence.fetched_at.isoformat(),
        "names": [{"article_id": article_id(s.url), "url": s.url, "via": s.via} for s in evidence.sources],
    }


def _flag_of(row: Any) -> Flag:
    return Flag(code=row.code, severity=row.severity, action=row.action, score=row.score, rule_id=row.rule_id,
                rule_version=row.rule_version, shadow=row.shadow, detail=row.detail)  # fmt: skip


def _flag_row(article_id: str, flag: Flag) -> dict[str, Any]:
    return {"article_id": article_id, "rule_id": flag.rule_id or flag.code, "code": flag.code,
            "severity": flag.severity, "action": flag.action, "score": flag.score, "shadow": flag.shadow,
            "detail": flag.detail, "evidence": [], "rule_version": flag.rule_version}  # fmt: skip


def _advance(connection: Connection, state: ClusterState, now: datetime) -> ClusterState:
    """The cluster row after this save: created, or moved to ``state`` when its epoch is newer; locked."""
    exists = connection.execute(select(clusters.c.id).where(clusters.c.id == state.id).with_for_update()).first()
    if exists is None:
        connection.execute(insert(clusters).values(id=state.id, original_id=state.original_id, epoch=state.epoch,
                                                   reason=state.reason, updated_at=now))  # fmt: skip
        return state
    connection.execute(
        update(clusters)
        .where(clusters.c.id == state.id, clusters.c.epoch < state.epoch)
        .values(original_id=state.original_id, epoch=state.epoch, reason=state.reason, updated_at=now)
    )
    row = connection.execute(select(clusters).where(clusters.c.id == state.id)).one()
    return ClusterState(row.id, row.original_id, row.epoch, row.reason)


def _withdraw(connection: Connection, article_id: str, cluster: ClusterState, now: datetime) -> None:
    item = connection.execute(
        select(review_items.c.id, review_items.c.codes).where(
            review_items.c.article_id == article_id, review_items.c.state.in_(OPEN_STATES)
        )
    ).first()
    if item is None:
        return
    connection.execute(
        update(review_items)
        .where(review_items.c.id == item.id)
        .values(state="decided", decision="withdrawn", decided_by="newsdesk", decided_at=now, lease_owner=None,
                lease_expires_at=None)
    )  # fmt: skip
    detail = {"reason": "the article is its cluster's original, not a copy", "article_id": article_id,
              "cluster_id": cluster.id, "evidence": cluster.reason, "codes": item.codes}  # fmt: skip
    connection.execute(
        insert(audit_log).values(at=now, actor="newsdesk", action="withdraw", target=f"item:{item.id}", detail=detail)
    )


def _refresh_copy_flags(
    connection: Connection, member: Any, wanted: tuple[Flag, ...], copies: CopyFlags, cluster: ClusterState,
    now: datetime,
) -> None:  # fmt: skip
    """Replace ``member``'s copy flags by ``wanted`` and re-combine its action; withdraw a review item that only
    copy flags had raised."""
    codes = copies.codes
    current = [_flag_of(r) for r in connection.execute(select(flags).where(flags.c.article_id == member.id))]
    had = sorted((f.code, f.detail) for f in current if f.code in codes)
    if had == sorted((f.code, f.detail) for f in wanted):
        return
    connection.execute(delete(flags).where(and_(flags.c.article_id == member.id, flags.c.code.in_(codes))))
    if wanted:
        unique = {(f.rule_id or f.code, f.code): _flag_row(member.id, f) for f in wanted}
        connection.execute(insert(flags), list(unique.values()))
    outcome = copies.combine([*(f for f in current if f.code not in codes), *wanted])
    connection.execute(update(articles).where(articles.c.id == member.id).values(action=outcome.action,
                                                                                 score=outcome.score))  # fmt: skip
    if had and not wanted and outcome.action not in REVIEW_ACTIONS:
        _withdraw(connection, member.id, cluster, now)
    elif outcome.action in REVIEW_ACTIONS:
        _open_item(connection, member.id, outcome, now)


def review_item_row(
    article_id: str, outcome: FlagOutcome, source_id: str, language: str | None, now: datetime
) -> dict[str, Any]:
    """A pending review item for an article whose combined outcome asks for review."""
    return {
        "article_id": article_id,
        "state": "pending",
        "priority": outcome.review_priority,
        "action": outcome.action,
        "score": outcome.score,
        "codes": " ".join(sorted({f.code for f in outcome.flags if not f.shadow})),
        "source_id": source_id,
        "language": language,
        "created_at": now,
    }


def _open_item(connection: Connection, article_id: str, outcome: FlagOutcome, now: datetime) -> None:
    """Queue a copy that became one only when its original arrived (it was stored clean, so it has no item).

    Settling holds the cluster row, so two saves never both insert.  An open item or a reviewer's decision
    stays; an item withdrawn when this article was taken for the original is re-opened (audited).
    """
    item = connection.execute(
        select(review_items.c.id, review_items.c.decision).where(review_items.c.article_id == article_id)
    ).first()
    if item is not None:
        if item.decision == "withdrawn":
            connection.execute(update(review_items).where(review_items.c.id == item.id).values(
                state="pending", decision=None, decided_by=None, decided_at=None))  # fmt: skip
            detail = {"reason": "the article is a copy of its cluster's original", "article_id": article_id}
            connection.execute(insert(audit_log).values(
                at=now, actor="newsdesk", action="reopen", target=f"item:{item.id}", detail=detail))  # fmt: skip
        return
    stored = connection.execute(
        select(articles.c.source_id, articles.c.language).where(articles.c.id == article_id)
    ).one()
    connection.execute(
        insert(review_items).values(review_item_row(article_id, outcome, stored.source_id, stored.language, now))
    )


def _is_lone(state: ClusterState, article_id: str) -> bool:
    """The index put the article in a cluster of its own, never moved (no row needed unless one exists)."""
    return state.id == article_id and state.original_id == article_id and state.epoch == 0


def settle(connection: Connection, processed: ProcessedArticle, copies: CopyFlags | None, now: datetime) -> None:
    """Bring ``processed``'s cluster row and every member in step with the index (see the module docstring)."""
    settle_many(connection, [processed], copies, now)


def settle_many(
    connection: Connection, items: Sequence[ProcessedArticle], copies: CopyFlags | None, now: datetime
) -> None:
    """:func:`settle` for each of ``items`` in order.

    The batch's existing cluster rows are looked up and locked in one query, in id order: two transactions settling
    overlapping clusters then take their locks in the same order instead of each waiting on the other's."""
    states = [cluster_of(processed) for processed in items]
    ids = sorted({state.id for state in states})
    known = set(
        connection.execute(
            select(clusters.c.id).where(clusters.c.id.in_(ids)).order_by(clusters.c.id).with_for_update()
        ).scalars()
    )
    for state, processed in zip(states, items, strict=True):
        if _is_lone(state, processed.article_id) and state.id not in known:
            continue  # a lone article so far: nothing to settle
        _settle_cluster(connection, state, copies, now)
        known.add(state.id)  # the row exists now, for a later item of the batch


def _settle_cluster(connection: Connection, state: ClusterState, copies: CopyFlags | None, now: datetime) -> None:
    cluster = _advance(connection, state, now)
    members = connection.execute(
        select(articles.c.id, articles.c.source_id, articles.c.duplicate_of, articles.c.duplicate_kind,
               articles.c.similarity).where(articles.c.cluster_id == cluster.id)
    ).all()  # fmt: skip
    original = next((m for m in members if m.id == cluster.original_id), None)
    for member in members:
        is_original = member.id == cluster.original_id
        want = None if is_original else cluster.original_id
        kind, similarity = member.duplicate_kind, member.similarity
        if not is_original and kind is None and original is not None:  # the anchor, displaced: the original's kind
            kind, similarity = original.duplicate_kind, original.similarity
        if member.duplicate_of != want or kind != member.duplicate_kind:
            connection.execute(update(articles).where(articles.c.id == member.id).values(
                duplicate_of=want, duplicate_kind=kind, similarity=similarity))  # fmt: skip
        if copies is None:
            continue
        wanted: tuple[Flag, ...] = ()
        if not is_original and original is not None:
            wanted = copies.for_copy(member.id, member.source_id, original.id, original.source_id, kind,
                                     similarity or 0.0)  # fmt: skip
        _refresh_copy_flags(connection, member, wanted, copies, cluster, now)


# Read side: what the desk and ``newsdesk stats`` show of the clusters settled above.


@dataclass(frozen=True)
class StoredCluster:
    """A cluster as stored: its row (None for a lone article, which has none) and its members' article rows."""

    id: str
    original_id: str
    epoch: int
    reason: str
    updated_at: datetime | None
    members: tuple[Any, ...]


def load_cluster(connection: Connection, cluster_id: str) -> StoredCluster | None:
    """The cluster ``cluster_id`` with every stored member, earliest fetch first; None when no article has it."""
    members = tuple(
        connection.execute(
            select(articles.c.id, articles.c.source_id, articles.c.url, articles.c.title, articles.c.published,
                   articles.c.fetched_at, articles.c.duplicate_of, articles.c.duplicate_kind, articles.c.similarity,
                   articles.c.origin_evidence)
            .where(articles.c.cluster_id == cluster_id)
            .order_by(articles.c.fetched_at, articles.c.id)
        ).all()
    )  # fmt: skip
    if not members:
        return None
    row = connection.execute(select(clusters).where(clusters.c.id == cluster_id)).first()
    if row is None:  # a lone article, or members whose row is not written yet: the one naming no original
        original = next((m.id for m in members if m.duplicate_of is None), members[0].id)
        return StoredCluster(cluster_id, original, 0, "first", None, members)
    return StoredCluster(row.id, row.original_id, row.epoch, row.reason, row.updated_at, members)


def cluster_counts(connection: Connection) -> dict[str, int]:
    """Clusters of more than one member, their originals, and the copies of each kind."""
    total = int(connection.execute(select(func.count()).select_from(clusters)).scalar() or 0)
    stored_originals = (
        select(func.count()).select_from(clusters).join(articles, articles.c.id == clusters.c.original_id)
    )
    by_kind: dict[str | None, int] = {
        row.duplicate_kind: row.copies
        for row in connection.execute(
            select(articles.c.duplicate_kind, func.count().label("copies"))
            .where(articles.c.duplicate_of.is_not(None))
            .group_by(articles.c.duplicate_kind)
        )
    }
    return {
        "clusters": total,
        "originals": int(connection.execute(stored_originals).scalar() or 0),
        **{f"copies_{kind}": int(by_kind.get(kind, 0)) for kind in ("exact", "near", "rewritten")},
    }
