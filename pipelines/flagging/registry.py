"""Detector factories by name: the built-ins, or any ``package.module:factory`` a user names.

A factory takes :class:`~pipelines.flagging.params.Params` and returns an
object satisfying :class:`~pipelines.flagging.findings.Detector`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial

from pipelines.flagging.detectors import duplicate, hate_model, language, profanity, promotion, quality, signatures
from pipelines.flagging.findings import Detector
from pipelines.flagging.params import Params

Factory = Callable[[Params], Detector]

BUILTIN: dict[str, Factory] = {
    "signatures": partial(signatures.make, name="signatures"),
    "too_short": quality.make_too_short,
    "extraction_failed": quality.make_extraction_failed,
    "title_body_mismatch": quality.make_title_body_mismatch,
    "near_duplicate": duplicate.make,
    "language_mismatch": language.make,
    "profanity": profanity.make,
    "hate_model": hate_model.make,
    "extremist_promotion": promotion.make,
}


def resolve(name: str) -> Factory:
    """The factory for a built-in name or a ``module:attribute`` path; ValueError if none."""
    if name in BUILTIN:
        return BUILTIN[name]
    module_name, sep, attribute = name.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(
            f"unknown detector {name!r} (built-ins: {', '.join(sorted(BUILTIN))}; or give 'package.module:factory')"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name!r}: {exc}") from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise ValueError(f"{name!r} is not a callable factory")
    return factory  # type: ignore[no-any-return]
