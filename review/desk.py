"""The per-app context every route needs, kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jinja2
from fastapi import Request
from sqlalchemy import Engine

from config.settings import Settings
from pipelines.flagging.loader import bundled_rules
from pipelines.flagging.ruleset import RuleSet
from review.evidence import rules_for_marking
from review.ratelimit import SignInLimits
from review.sessions import SessionCodec


@dataclass(frozen=True)
class Desk:
    settings: Settings
    engine: Engine
    sessions: SessionCodec
    limits: SignInLimits
    templates: jinja2.Environment

    @property
    def lease_seconds(self) -> int:
        return self.settings.review.lease_seconds

    @property
    def second_opinion_rate(self) -> float:
        return self.settings.review.second_opinion_rate

    @property
    def rules(self) -> RuleSet | None:
        """The current rules, for marking every match (None when the file does not load)."""
        path = Path(self.settings.rules_file) if self.settings.rules_file else bundled_rules()
        return rules_for_marking(path)


def get_desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)
