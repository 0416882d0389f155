"""Request bodies of the JSON API (pydantic validates them, 422 otherwise)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from review.queue import MAX_ID, MAX_LIMIT

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "escalate"]
    reason: Reason
    apply_to_copies: bool = False


class UndoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = ""


ItemRef = Annotated[int, Field(ge=1, le=MAX_ID)]


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_ids: Annotated[list[ItemRef], Field(max_length=MAX_LIMIT)] = []
    cluster_of: ItemRef | None = None
    decision: Literal["approve", "reject", "escalate"]
    reason: Reason


class RuleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason
