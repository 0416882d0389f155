"""Settings loading and the default sources and rules shipped with newsdesk."""
