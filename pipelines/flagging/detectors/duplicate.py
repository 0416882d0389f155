"""Near/exact duplicate of an article first seen on *another* source (syndication or copying)."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.flagging.findings import Finding
from pipelines.flagging.params import ParamError, Params
from pipelines.models import FlagInput


@dataclass(frozen=True)
class NearDuplicate:
    """Fires when dedupe called the item a duplicate and the original came from a different source.

    Both source ids must be known: a repeat within one source is ordinary
    (updated story, mirror URL) and is dedupe's business, not a review flag.
    """

    kinds: frozenset[str]
    name: str = "near_duplicate"

    def detect(self, item: FlagInput) -> list[Finding]:
        verdict = item.duplicate
        if verdict is None or verdict.kind not in self.kinds or verdict.duplicate_of is None:
            return []
        if item.source_id is None or item.duplicate_source_id is None:
            return []
        if item.source_id == item.duplicate_source_id:
            return []
        detail = (
            f"{verdict.kind} duplicate of article {verdict.duplicate_of} from source "
            f"{item.duplicate_source_id} (similarity {verdict.similarity:.2f})"
        )
        return [Finding(detail=detail)]


def make(params: Params) -> NearDuplicate:
    params.only(["kinds"])
    kinds = params.strings("kinds", ("near", "exact", "rewritten"))
    for kind in kinds:
        if kind not in ("near", "exact", "rewritten"):
            raise ParamError("kinds", f"unknown duplicate kind {kind!r}")
    return NearDuplicate(kinds=frozenset(kinds))
