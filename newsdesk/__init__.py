"""The ``newsdesk`` command: composes config, pipelines, workers, crawler and review."""
