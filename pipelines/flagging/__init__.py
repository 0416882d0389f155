"""Flagging for review: reason codes, evidence with offsets, rules as data.

Rules live in a YAML file (bundled: ``config/rules.yaml``) and come in four
kinds: ``terms`` (word lists, case/accent-insensitive, one compiled matcher per
list), ``regex`` (checked against catastrophic backtracking at load),
``detector`` and ``classifier`` (code behind the :class:`Detector` protocol;
users add their own by dotted path).  :func:`evaluate` returns every flag with
its evidence and combines them (see :func:`combine`): the highest non-shadow
action wins, scores add up, and a sum at or above the file's ``threshold``
makes the item at least ``flag``.
"""

from pipelines.flagging.combine import combine
from pipelines.flagging.engine import evaluate
from pipelines.flagging.findings import Detector, Finding
from pipelines.flagging.loader import load_rules, parse_rules
from pipelines.flagging.params import ParamError, Params
from pipelines.flagging.ruleset import Rule, RuleSet, SourceOverride
from pipelines.flagging.runner import run_jsonl
from pipelines.flagging.warmup import warm_up

__all__ = [
    "Detector",
    "Finding",
    "ParamError",
    "Params",
    "Rule",
    "RuleSet",
    "SourceOverride",
    "combine",
    "evaluate",
    "load_rules",
    "parse_rules",
    "run_jsonl",
    "warm_up",
]
