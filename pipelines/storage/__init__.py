"""SQL storage: the schema, the engine factory, and idempotent writes."""
