"""Errors of the review desk; each maps to one HTTP status in :mod:`review.api`.

They live in the one error tree, :mod:`pipelines.errors`; this module names them for the desk.
"""

from __future__ import annotations

from pipelines.errors import DeskUnavailable, InvalidInput, LeaseConflict, NotFound, ReviewError

__all__ = ["DeskUnavailable", "InvalidInput", "LeaseConflict", "NotFound", "ReviewError"]
