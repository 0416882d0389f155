"""Which hate head's threshold applies to a text, decided from the text itself by the model's register head.

One threshold cannot serve both kinds of text the model learned from: in social-media posts (short, slangy,
profane; Davidson et al.'s tweets) "hate" is a narrow label beside a broad "offensive" one, and a tweet must score
far higher than a forum or prose sentence before it is hate.  The shipped model has three heads over the same
features: ``general`` (every training text), ``social`` (social-media posts only) and ``register`` (is this text
written like a social-media post?).  A text the register head calls social is judged by the social head at its
threshold, any other text by the general head at its own.  The result is *calibrated* to one scale: the logit of the
applicable head minus the logit of its threshold, through the logistic, so 0.5 is "at that head's threshold" and
the article roll-up and evidence use one cut whatever head spoke.  The thresholds are chosen by
``bench.train_hate`` on out-of-fold predictions of the training data only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipelines.flagging.linearmodel import logistic

CALIBRATED_CUT = 0.5  # a calibrated probability at or above this is at its head's threshold
HEAD_NAMES = ("general", "social", "register")


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class RegisterGate:
    """Head columns of the model and the probability thresholds (each strictly between 0 and 1)."""

    general: int
    social: int
    register: int
    general_threshold: float
    social_threshold: float
    register_threshold: float = 0.5

    def __post_init__(self) -> None:
        for name in ("general_threshold", "social_threshold", "register_threshold"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name} must be a probability strictly between 0 and 1, got {value}")

    def is_social(self, logits: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Per text (a row of head logits): whether the register head calls it a social-media post."""
        return np.asarray(logits[:, self.register] >= logit(self.register_threshold))

    def calibrated(self, logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per text: the applicable head's probability rescaled so that its threshold maps to 0.5."""
        social = logits[:, self.social] - logit(self.social_threshold)
        general = logits[:, self.general] - logit(self.general_threshold)
        return logistic(np.where(self.is_social(logits), social, general))


def head_columns(heads: Sequence[Mapping[str, object]]) -> dict[str, int]:
    """The column of each named head in a model card's ``heads``; KeyError naming a missing one."""
    columns = {str(h.get("name")): i for i, h in enumerate(heads)}
    missing = [n for n in HEAD_NAMES if n not in columns]
    if missing:
        raise KeyError(f"model has no head(s) {', '.join(missing)} (has {', '.join(columns) or 'none'})")
    return {n: columns[n] for n in HEAD_NAMES}
