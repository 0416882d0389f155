"""What a rule reports before the engine turns it into a :class:`~pipelines.models.Flag`.

A matcher or detector only says *where* and *how strongly*; the rule it sits
in supplies the code, severity, action and base score.  User detectors
implement :class:`Detector` and are named in the rules file by dotted path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal, Protocol, runtime_checkable

from pipelines.flagging.normalize import Folded, folded
from pipelines.flagging.termmatch import TermIndex
from pipelines.models import Evidence, FlagInput

FieldName = Literal["title", "text"]


@dataclass(frozen=True)
class Finding:
    """One rule's hit on one item.

    ``weight`` multiplies the rule's score (a detector that counts co-occurring
    signatures reports the count; a classifier its probability).
    """

    evidence: tuple[Evidence, ...] = ()
    weight: float = 1.0
    detail: str = ""


@runtime_checkable
class Detector(Protocol):
    """A check that is code rather than patterns (built-in or user-supplied)."""

    @property
    def name(self) -> str:
        """A short label for logs and errors."""
        ...

    def detect(self, item: FlagInput) -> list[Finding]:
        """Findings about ``item``; an empty list when the check does not fire."""
        ...


class Matcher(Protocol):
    """The engine-side interface every rule kind is compiled into."""

    def find(self, view: ItemView) -> list[Finding]:
        """Findings for the item behind ``view``."""
        ...


def evidence_at(text: str, start: int, end: int, matched: str = "", field: FieldName = "text") -> Evidence:
    """Evidence whose excerpt is exactly ``text[start:end]``."""
    return Evidence(start=start, end=end, excerpt=text[start:end], matched=matched, field=field)


class ItemView:
    """Per-evaluation scratch: the item plus folded copies computed once and shared by all rules.

    Not a dataclass on purpose: it lives for one ``evaluate`` call and caches lazily.
    """

    def __init__(self, item: FlagInput, index: TermIndex | None = None) -> None:
        self.item = item
        self.index = index
        self._starts: dict[str, list[int]] = {}

    def raw(self, name: FieldName) -> str:
        return self.item.title if name == "title" else self.item.text

    @cached_property
    def folded_title(self) -> Folded:
        return folded(self.raw("title"))

    @cached_property
    def folded_text(self) -> Folded:
        return folded(self.raw("text"))

    def folded(self, name: FieldName) -> Folded:
        return self.folded_title if name == "title" else self.folded_text

    def term_starts(self, name: FieldName) -> list[int] | None:
        """Where any indexed term starts in the folded field (one shared scan); None without an index."""
        if self.index is None:
            return None
        if name not in self._starts:
            self._starts[name] = self.index.starts(self.folded(name).text)
        return self._starts[name]
