"""A story cluster for the desk: its members, which one is the original, and the evidence that decided.

The duplicate index decides the original and ``clusters.reason`` keeps which kind of evidence did (named, role,
published, fetched, first); each member's ``origin_evidence`` keeps the evidence itself.  :func:`explain` turns
the two into the lines the API and the cluster page show, e.g. "source link: <copy> names it as its source".
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select

from pipelines.storage.clusters import StoredCluster, load_cluster
from pipelines.storage.schema import review_items
from review.clock import as_utc, iso
from review.errors import NotFound

Kind = Literal["exact", "near", "rewritten"]
Via = Literal["source link", "canonical", "og:url"]
# What decided the original, as the desk names it: how a member named it, else the index's reason.
Evidence = Literal[
    "source link", "canonical", "og:url", "named", "role original_reporting", "role", "earliest published",
    "first fetched", "first seen",
]  # fmt: skip
CLUSTER_ID_PATTERN = r"^[0-9A-Za-z_-]{1,32}$"
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class NamedSourceOut(BaseModel):
    """A URL on another site that a member names as its source, and the markup that names it."""

    model_config = _FROZEN
    article_id: str
    url: str
    via: Via


class MemberOut(BaseModel):
    model_config = _FROZEN
    article_id: str
    source_id: str
    url: str
    title: str
    original: bool
    kind: Annotated[Kind | None, Field(description="null for the original")]
    similarity: Annotated[
        float | None,
        Field(description="dedupe's similarity to the original (measured against the cluster's first member, "
                          "which stands for the original's text); null for the original"),
    ]  # fmt: skip
    published: Annotated[str | None, Field(description="the publication date the page gives")]
    fetched_at: datetime
    names: tuple[NamedSourceOut, ...]
    item_id: Annotated[int | None, Field(description="the member's review item, if it has one")]


class ReasonOut(BaseModel):
    """One piece of evidence that made the original the original."""

    model_config = _FROZEN
    evidence: Evidence
    detail: str
    article_id: Annotated[str | None, Field(description="the member the evidence comes from")] = None


class ClusterOut(BaseModel):
    model_config = _FROZEN
    id: str
    original_id: str
    reason: Annotated[str, Field(description="the duplicate index's reason: named, role, published, fetched, first")]
    why: tuple[ReasonOut, ...]
    epoch: Annotated[int, Field(description="how many times the original changed")]
    updated_at: datetime | None
    members: tuple[MemberOut, ...]

    @property
    def original(self) -> MemberOut | None:
        return next((m for m in self.members if m.original), None)

    @property
    def copies(self) -> tuple[MemberOut, ...]:
        return tuple(m for m in self.members if not m.original)


def _names(evidence: Any) -> tuple[NamedSourceOut, ...]:
    if not isinstance(evidence, dict):
        return ()
    return tuple(
        NamedSourceOut(article_id=str(n["article_id"]), url=str(n["url"]), via=n["via"])
        for n in evidence.get("names") or ()
        if isinstance(n, dict) and n.get("via") in ("source link", "canonical", "og:url")
    )


def _evidence_of(member: Any) -> dict[str, Any]:
    return member.origin_evidence if isinstance(member.origin_evidence, dict) else {}


def _naming(cluster: StoredCluster, members: tuple[MemberOut, ...]) -> list[ReasonOut]:
    found = [
        ReasonOut(evidence=name.via, article_id=member.article_id,
                  detail=f"{member.source_id} article {member.article_id} names it as its source ({name.via})")
        for member in members
        for name in member.names
        if name.article_id == cluster.original_id
    ]  # fmt: skip
    return found or [ReasonOut(evidence="named", detail="another page named it as its source")]


def explain(cluster: StoredCluster, members: tuple[MemberOut, ...]) -> tuple[ReasonOut, ...]:
    """Why the original is the original, from the index's reason and the members' stored evidence."""
    original = next((m for m in cluster.members if m.id == cluster.original_id), None)
    stored = _evidence_of(original) if original is not None else {}
    if cluster.reason == "named":
        return tuple(_naming(cluster, members))
    if cluster.reason == "role":
        role = stored.get("role")
        if role == "original_reporting":
            return (ReasonOut(evidence="role original_reporting", detail="its source's role is original_reporting"),)
        return (ReasonOut(evidence="role", detail=f"its source's role ({role or 'unset'}) ranks above the others'"),)
    if cluster.reason == "published":
        when = stored.get("published") or (original.published if original is not None else None)
        return (ReasonOut(evidence="earliest published", detail=f"published first ({when or 'date not kept'})"),)
    if cluster.reason == "fetched":
        fetched = stored.get("fetched_at") or (iso(as_utc(original.fetched_at)) if original is not None else None)
        return (ReasonOut(evidence="first fetched", detail=f"fetched first ({fetched or 'time not kept'})"),)
    return (ReasonOut(evidence="first seen", detail="seen first; no evidence points at another member"),)


def _member(row: Any, original_id: str, item_id: int | None) -> MemberOut:
    is_original = row.id == original_id
    return MemberOut(
        article_id=row.id,
        source_id=row.source_id,
        url=row.url,
        title=row.title,
        original=is_original,
        kind=None if is_original else row.duplicate_kind,
        similarity=None if is_original else row.similarity,
        published=row.published,
        fetched_at=as_utc(row.fetched_at),
        names=_names(row.origin_evidence),
        item_id=item_id,
    )


def cluster_view(conn: Connection, cluster_id: str) -> ClusterOut:
    """The cluster ``cluster_id`` as the API returns it; NotFound when no stored article belongs to it."""
    cluster = load_cluster(conn, cluster_id)
    if cluster is None:
        raise NotFound(f"no cluster {cluster_id}")
    ids = [m.id for m in cluster.members]
    items: dict[str, int] = {
        row.article_id: row.id
        for row in conn.execute(
            select(review_items.c.article_id, review_items.c.id).where(review_items.c.article_id.in_(ids))
        )
    }
    members = tuple(_member(row, cluster.original_id, items.get(row.id)) for row in cluster.members)
    members = tuple(sorted(members, key=lambda m: not m.original))  # the original first, then by first fetch
    return ClusterOut(
        id=cluster.id,
        original_id=cluster.original_id,
        reason=cluster.reason,
        why=explain(cluster, members),
        epoch=cluster.epoch,
        updated_at=None if cluster.updated_at is None else as_utc(cluster.updated_at),
        members=members,
    )
