"""Errors of the review desk; each maps to one HTTP status in :mod:`review.api`."""

from __future__ import annotations

from pipelines.errors import PermanentError


class ReviewError(PermanentError):
    """Raised when a review action cannot be carried out as asked."""


class NotFound(ReviewError):
    """Raised when an item or user does not exist."""


class LeaseConflict(ReviewError):
    """Raised when an action needs a live lease the caller does not hold, or an item is decided."""


class InvalidInput(ReviewError):
    """Raised when a name, role or password is not acceptable."""
