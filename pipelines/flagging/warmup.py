"""Load the classifiers' models now, once, instead of on each worker process's first article.

A prefork worker calls this before it forks its pool: the children then share
the loaded models copy-on-write (about a second of CPU and 150 MiB each saved).
"""

from __future__ import annotations

from pipelines.flagging.detectors import hate_model, language, profanity


def warm_up() -> None:
    """Load the language identifier, the profanity model and the bundled hate model."""
    language.identifier()
    hate_model.model_at(hate_model.bundled_path(hate_model.BUNDLED))
    profanity.predict(["warm up"])
