"""The command line's own error: a usage mistake, reported in one line with exit status 2.

It sits under :class:`config.errors.NewsdeskError` beside ``ConfigError``::

    NewsdeskError
    ├── ConfigError     a bad setting, source or rule (exit 2)
    ├── UsageError      a path, name or value on the command line that cannot be used (exit 2)
    ├── PermanentError / TransientError   runtime failures (exit 1), see pipelines.errors
"""

from config.errors import NewsdeskError


class UsageError(NewsdeskError):
    """Raised when the command line names a file, directory, source or value that cannot be used."""
