"""Extremist promotion, structurally: a sentence that names a group and calls to act for it or praises its attacks.

A sentence is promotion when it names an extremist group or describes one (word lists ``groups``, e.g. "the
Islamic State", "soldiers of the caliphate", "race war") and either

* calls to act: an ``action`` verb (join, travel, pledge, fight, attack, spread, donate, ...) in a clause that is
  a ``call`` (an imperative at the start of a clause, "you must", "it is your duty to", "now is the time to"),
  unless the call is ``negated`` ("never join", "do not share"), or
* praises: a ``praise`` phrase ("glory to", "long live", "blessed operation", "heroic martyr", "may Allah accept"),

(a sentence praising an attack itself, ``attack_praise``: "what a blessed attack", is examined without a group term),

and carries no ``reporting`` cue (said, court, convicted, police, propaganda, condemned, analysts, ...): news,
analysis, court reporting and condemnation quote the same words but attribute them.  Only sentences holding a
group term are examined, so a typical news article costs one word-list scan.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from pipelines.flagging.detectors.sentences import Sentence, sentences
from pipelines.flagging.findings import FieldName, Finding, evidence_at
from pipelines.flagging.normalize import fold, folded
from pipelines.flagging.params import ParamError, Params
from pipelines.flagging.regexsafety import UserPattern
from pipelines.flagging.termmatch import TermMatcher, compile_terms
from pipelines.flagging.wordlists import load_wordlist
from pipelines.models import FlagInput

ATTACK = "(praised attack)"  # the 'group' of a sentence examined because it praises an attack


@dataclass(frozen=True)
class PromotionVerdict:
    """Why one sentence is promotion (empty ``kind`` when it is not)."""

    kind: str = ""
    group: str = ""
    cue: str = ""


@dataclass(frozen=True)
class PromotionDetector:
    groups: TermMatcher
    call: UserPattern
    action: UserPattern
    negated: UserPattern
    praise: UserPattern
    attack_praise: UserPattern
    reporting: UserPattern
    top: int
    name: str = "extremist_promotion"

    def judge(self, sentence: str) -> PromotionVerdict:
        """The verdict on one sentence (public: the bench and tests judge sentences directly)."""
        low = folded(sentence)
        group = next(iter(self.groups.finditer(low)), None)
        if group is not None:
            return self._judge_folded(low.text, group.term)
        if self.attack_praise.search(low.text):
            return self._judge_folded(low.text, ATTACK)
        return PromotionVerdict()

    def _judge_folded(self, text: str, group: str) -> PromotionVerdict:
        if self.reporting.search(text):
            return PromotionVerdict()
        praise = self.praise.search(text)
        if praise:
            return PromotionVerdict("praise", group, praise.group().strip())
        call = self.call.search(text)
        action = self.action.search(text) if call else None
        if call and action and not self.negated.search(text):
            return PromotionVerdict("call", group, f"{call.group().strip()} + {action.group().strip()}")
        return PromotionVerdict()

    def _candidates(self, text: str) -> list[tuple[Sentence, str]]:
        low = folded(text)
        hits = [(h.start, h.end, h.term) for h in self.groups.finditer(low)]
        for match in self.attack_praise.finditer(low.text):
            hits.append((*low.span(match.start(), match.end()), ATTACK))
        if not hits:
            return []  # the common case: no group named, the splitter never runs
        spans = sentences(text)
        starts = [s.start for s in spans]
        chosen: dict[int, str] = {}
        for start, end, term in sorted(hits):
            i = bisect_right(starts, start) - 1
            if i >= 0 and spans[i].end >= end:
                chosen.setdefault(i, term)
        return [(spans[i], chosen[i]) for i in sorted(chosen)]

    def detect(self, item: FlagInput) -> list[Finding]:
        found: list[tuple[FieldName, Sentence, PromotionVerdict]] = []
        fields: tuple[tuple[FieldName, str], ...] = (("title", item.title), ("text", item.text))
        for field, text in fields:
            for sentence, group in self._candidates(text):
                verdict = self._judge_folded(fold(sentence.text), group)
                if verdict.kind:
                    found.append((field, sentence, verdict))
        if not found:
            return []
        evidence = tuple(
            evidence_at(item.title if field == "title" else item.text, s.start, s.end, f"{v.kind}: {v.cue}", field)
            for field, s, v in found[: self.top]
        )
        kinds = sorted({v.kind for _, _, v in found})
        groups = sorted({v.group for _, _, v in found})
        detail = f"{len(found)} sentence(s) of {'/'.join(kinds)} naming {', '.join(groups[:5])}"
        return [Finding(evidence=evidence, detail=detail)]


def make(params: Params) -> PromotionDetector:
    params.only(["groups", "top", "call", "action", "negated", "praise", "attack_praise", "reporting"])
    terms: list[str] = []
    for name in params.strings("groups"):
        try:
            terms.extend(load_wordlist(name, params.local_dir))
        except ValueError as exc:
            raise ParamError("groups", str(exc)) from exc
    if not terms:
        raise ParamError("groups", "name at least one word list of groups")
    return PromotionDetector(
        groups=TermMatcher("groups", compile_terms(terms), tuple(terms)),
        call=params.pattern("call"),
        action=params.pattern("action"),
        negated=params.pattern("negated"),
        praise=params.pattern("praise"),
        attack_praise=params.pattern("attack_praise"),
        reporting=params.pattern("reporting"),
        top=max(1, params.integer("top", 3)),
    )
