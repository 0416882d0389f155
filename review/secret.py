"""The key that signs session cookies and CSRF tokens."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config.settings import Settings

SECRET_FILE = "review_secret"  # noqa: S105 - a file name, not a secret


def load_secret(settings: Settings) -> bytes:
    """Use ``review.secret_key`` if set, else a random key kept in the data directory.

    Persisting the generated key keeps sessions valid across restarts.
    """
    if settings.review.secret_key:
        return settings.review.secret_key.encode("utf-8")
    path = Path(settings.data_dir) / SECRET_FILE
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode("ascii")
    # O_EXCL: if two servers start at once, the loser reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
