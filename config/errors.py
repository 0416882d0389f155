"""The root of newsdesk's error tree and the configuration error.

They live here, in the lowest layer, so that settings loading can raise them;
the rest of the tree is in :mod:`pipelines.errors`.
"""


class NewsdeskError(Exception):
    """Base class of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """Raised at start-up when a setting, source or rule is invalid; names the key at fault."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem
