"""Password hashing with the stdlib's scrypt; the parameters travel inside the stored hash.

The cost is OWASP's current figure for scrypt (Password Storage Cheat Sheet: N=2^17, r=8, p=1,
128 MiB per hash).  Hashes made with a lower cost still verify, and :func:`needs_rehash` tells the
sign-in to store a new one.  Each derivation takes 128 MiB, so at most ``KDF_SLOTS`` run at once:
a burst of sign-ins waits its turn instead of exhausting memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8
MAX_LENGTH = 1000
KDF_SLOTS = 2
# A stored hash naming a cost above this is refused rather than run (2^20 would take 1 GiB).
MAX_N = 2**18


@dataclass(frozen=True)
class Cost:
    n: int
    r: int
    p: int

    @property
    def memory(self) -> int:
        return 128 * self.r * self.n


OWASP_COST = Cost(n=2**17, r=8, p=1)
LEGACY_COST = Cost(n=2**14, r=8, p=1)  # what newsdesk used before; still verifies, rehashed on sign-in
_slots = threading.BoundedSemaphore(KDF_SLOTS)
_DUMMY_SALT = secrets.token_bytes(SALT_BYTES)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    with _slots:
        return hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=cost.n,
            r=cost.r,
            p=cost.p,
            dklen=KEY_BYTES,
            maxmem=cost.memory + 16 * 1024 * 1024,
        )


def hash_password(password: str, cost: Cost = OWASP_COST) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost)
    return f"{SCHEME}${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        cost = Cost(int(parts[1]), int(parts[2]), int(parts[3]))
        salt, expected = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    if not (2 <= cost.n <= MAX_N and 1 <= cost.r <= 32 and 1 <= cost.p <= 16 and cost.memory <= 128 * 8 * MAX_N):
        return None
    return cost, salt, expected


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time comparison at the cost ``stored`` names; a malformed or missing hash never matches."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        return False
    cost, salt, expected = parsed
    try:
        actual = _derive(password, salt, cost)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str | None, cost: Cost = OWASP_COST) -> bool:
    """True when ``stored`` was made with less work than ``cost`` asks for."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        return False
    have = parsed[0]
    return have.n * have.r * have.p < cost.n * cost.r * cost.p or have.memory < cost.memory


def burn(password: str, cost: Cost = OWASP_COST) -> None:
    """Spend one derivation at ``cost`` and discard it: the work of a check that has nothing to check."""
    _derive(password, _DUMMY_SALT, cost)


def generate_password() -> str:
    """A one-time password: 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def _work(cost: Cost) -> int:
    return cost.n * cost.r * cost.p


def check_password(password: str, stored: str | None, cost: Cost = OWASP_COST) -> bool:
    """Check ``password`` against ``stored`` spending the work of one ``cost`` hash whatever ``stored`` is.

    A missing or malformed hash, or one made at a lower cost, is padded with throw-away derivations,
    so the time taken says nothing about whether an account exists, has a password, or has an old hash.
    """
    parsed = _parse(stored) if stored else None
    matched, remaining = False, _work(cost)
    if parsed is not None:
        have, salt, expected = parsed
        try:
            matched = hmac.compare_digest(_derive(password, salt, have), expected)
        except (ValueError, MemoryError):
            matched = False
        remaining -= _work(have)
    unit = cost.r * cost.p
    while remaining >= 2 * unit:
        n = 1 << ((remaining // unit).bit_length() - 1)  # the largest power of two that still fits
        burn(password, Cost(n, cost.r, cost.p))
        remaining -= n * unit
    return matched
