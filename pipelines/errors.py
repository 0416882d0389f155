"""newsdesk's error tree, split by what a retry would achieve.  Every error newsdesk raises on purpose is here.

::

    NewsdeskError
    ├── ConfigError                 bad setting, source, rule or pattern (start-up only); names the key
    ├── PermanentError              retrying cannot help: a task is not retried, it is dead-lettered
    │   ├── InvalidPayload          a queue message, result or spool file that does not decode
    │   ├── UndecodableContent      bytes that are not text (binary, empty)
    │   ├── RefusedAddress          a fetch target in a private or forbidden range, or over the size cap
    │   └── PayloadMissing          a by-reference page body that has expired
    ├── TransientError              the world may heal: retried with backoff and jitter
    │   ├── RedisUnavailable        broker or dedupe index unreachable
    │   ├── StorageUnavailable      the SQL database unreachable or locked
    │   └── DeskUnavailable         the review desk unreachable or failing (also a ReviewError)
    └── ReviewError                 a review action that cannot be carried out as asked: an HTTP
        ├── NotFound                status for the caller (404), never a queue outcome, so neither
        ├── LeaseConflict           permanent nor transient (409)
        ├── InvalidInput            (422)
        └── DeskUnavailable         (the client's view of a desk it cannot reach; transient)

A flag or a rejected page is data, not an exception.  Third-party errors are
wrapped at the I/O edge (``raise StorageUnavailable(...) from exc``).  Parsers
keep small private errors of their own (``UnsafePattern``, the rule loader's
``Fault`` and ``ParamError``) that their caller turns into a ConfigError naming
the key; Scrapy's ``GuardRefused`` is an ``IgnoreRequest`` so Scrapy drops the
request, and carries a RefusedAddress's message.
"""

from config.errors import ConfigError, NewsdeskError

__all__ = [
    "ConfigError",
    "DeskUnavailable",
    "InvalidInput",
    "InvalidPayload",
    "LeaseConflict",
    "NewsdeskError",
    "NotFound",
    "PayloadMissing",
    "PermanentError",
    "RedisUnavailable",
    "RefusedAddress",
    "ReviewError",
    "StorageUnavailable",
    "TransientError",
    "UndecodableContent",
]


class PermanentError(NewsdeskError):
    """Raised when retrying the same work can never succeed; the task fails or is dead-lettered."""


class InvalidPayload(PermanentError):
    """Raised when a queue message does not decode into the expected dataclass."""


class UndecodableContent(PermanentError):
    """Raised when a page body is empty, binary, or cannot be decoded as text."""


class RefusedAddress(PermanentError):
    """Raised when a URL's scheme or resolved address is not allowed as a crawl target."""


class PayloadMissing(PermanentError):
    """Raised when a page body passed by reference is no longer in Redis (expired or evicted)."""


class TransientError(NewsdeskError):
    """Raised when an outside service failed in a way that a later retry may fix."""


class RedisUnavailable(TransientError):
    """Raised when Redis (broker, dedupe index, locks) cannot be reached."""


class StorageUnavailable(TransientError):
    """Raised when the SQL database cannot be reached or is busy."""


class ReviewError(NewsdeskError):
    """Raised when a review action cannot be carried out as asked; the desk answers with an HTTP status."""


class NotFound(ReviewError):
    """Raised when an item or user does not exist."""


class LeaseConflict(ReviewError):
    """Raised when an action needs a live lease the caller does not hold, or an item is decided."""


class InvalidInput(ReviewError):
    """Raised when a name, role or password is not acceptable."""


class DeskUnavailable(ReviewError, TransientError):
    """Raised when the review desk cannot be reached or answers with an error (a later try may work)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
