"""Alembic environment: the URL comes from the caller (pipelines.storage.migrate), never from a file."""

from __future__ import annotations

from alembic import context

from pipelines.storage.engine import make_engine
from pipelines.storage.schema import metadata

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("pipelines.storage.migrate must set sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
