"""The per-app context every route needs, kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import jinja2
from fastapi import Request
from sqlalchemy import Engine

from config.settings import Settings
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


def get_desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)
