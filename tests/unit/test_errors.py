"""The error tree: one module, drawn in its docstring, split by what a retry achieves."""

from __future__ import annotations

import pipelines.errors as errors
from review.client import DeskUnavailable as ClientDeskUnavailable
from review.errors import LeaseConflict, ReviewError


def test_every_error_is_in_the_tree_and_drawn_in_the_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.NewsdeskError), name
        assert name in doc, f"{name} is missing from the drawing"


def test_review_errors_are_not_queue_outcomes_and_an_unreachable_desk_is_transient() -> None:
    assert ReviewError is errors.ReviewError and LeaseConflict is errors.LeaseConflict
    assert not issubclass(ReviewError, (errors.PermanentError, errors.TransientError))
    assert ClientDeskUnavailable is errors.DeskUnavailable
    assert issubclass(errors.DeskUnavailable, errors.TransientError)
    assert issubclass(errors.DeskUnavailable, ReviewError)
    assert errors.DeskUnavailable("down", status=503).status == 503
