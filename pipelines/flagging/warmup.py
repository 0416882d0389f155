"""Load the classifiers' models now, once, instead of on each worker process's first article.

A prefork worker calls this before it forks its pool: the children then share
the loaded models copy-on-write (about a second of CPU and 150 MiB each saved).
"""

from __future__ import annotations

from pipelines.flagging.detectors import language, profanity


def warm_up() -> None:
    """Load the language identifier and the profanity model."""
    language.identifier()
    profanity.predict(["warm up"])
