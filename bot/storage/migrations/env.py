"""Alembic environment: our models' metadata; batch mode so SQLite can alter tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.storage import models  # noqa: F401  (registers every table on Base.metadata)
from bot.storage.db import Base, make_engine
from bot.storage.migrate import include_object


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        include_object=include_object,
        compare_type=True,
    )
    if sqlite and not connection.in_transaction():
        # one migrator at a time: a second process starting waits, then finds nothing to do
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("groupbot migrations run online only: groupbot db upgrade")
run_migrations_online()
