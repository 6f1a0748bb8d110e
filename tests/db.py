"""Database fixtures: SQLite always, PostgreSQL too when ``TEST_DATABASE_URL`` is set.

``engine`` is migrated once per session (PostgreSQL in a schema of its own, dropped at
the end). ``session_factory`` binds every session to one connection whose outer
transaction is rolled back after the test, with ``join_transaction_mode=
"create_savepoint"``, so code under test may commit. ``fresh_url`` gives concurrency
tests a database of their own, reached through real separate connections.

Import the fixtures where needed: ``from tests.db import *``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
        ],
    ),
]

__all__ = [
    "FakeClock",
    "backend",
    "clock",
    "connection",
    "engine",
    "fresh_url",
    "session_factory",
    "uow_factory",
]


@dataclass
class FakeClock:
    """Aware UTC time that moves on one second at each reading."""

    now: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    step: timedelta = timedelta(seconds=1)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pg_schema_url(schema: str) -> str:
    assert TEST_DATABASE_URL
    url = make_url(TEST_DATABASE_URL)
    options = url.query.get("options", "")
    return url.update_query_dict(
        {"options": f"{options} -csearch_path={schema}".strip()}
    ).render_as_string(hide_password=False)


class _PgSchema:
    """A throwaway schema in the PostgreSQL test database."""

    def __init__(self) -> None:
        assert TEST_DATABASE_URL
        self.name = f"groupbot_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        self.url = _pg_schema_url(self.name)

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "groupbot.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    schema = _PgSchema()
    upgrade(schema.url)
    engine = make_engine(schema.url)
    yield engine
    engine.dispose()
    schema.drop()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        if conn.dialect.name == "sqlite":
            # pysqlite begins a transaction only before DML; a SAVEPOINT alone would start
            # (and its RELEASE end) the real transaction, so open it ourselves.
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def uow_factory(session_factory: sessionmaker[Session]) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(session_factory)


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A new, migrated database for tests that need real concurrent connections."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        upgrade(url)
        yield url
        return
    schema = _PgSchema()
    try:
        upgrade(schema.url)
        yield schema.url
    finally:
        schema.drop()
