"""newsdesk's error tree, split by what a retry would achieve.

::

    NewsdeskError
    ├── ConfigError                 bad setting, source or rule (start-up only)
    ├── PermanentError              retrying cannot help: not retried
    │   ├── InvalidPayload          a queue message that does not decode
    │   ├── UndecodableContent      bytes that are not text (binary, empty)
    │   ├── RefusedAddress          a crawl target in a private or forbidden range
    │   └── PayloadMissing          a by-reference page body that has expired
    └── TransientError              the world may heal: retried with backoff and jitter
        ├── RedisUnavailable        broker or dedupe index unreachable
        └── StorageUnavailable      the SQL database unreachable or locked

A flag or a rejected page is data, not an exception.  Third-party errors are
wrapped at the I/O edge (``raise StorageUnavailable(...) from exc``).
"""

from config.errors import ConfigError, NewsdeskError

__all__ = [
    "ConfigError",
    "InvalidPayload",
    "NewsdeskError",
    "PayloadMissing",
    "PermanentError",
    "RedisUnavailable",
    "RefusedAddress",
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
