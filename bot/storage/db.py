"""The SQLAlchemy base, column types shared by every model, and engine construction.

Nothing connects at import time: ``make_engine`` and ``make_session_factory`` are called
by ``bot.app`` (and by tests) with the URL they were given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    String,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Constraint names are part of the schema Alembic compares and migrates, so fix them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps.

    SQLite has no time zones: values are stored as naive UTC and given ``UTC`` back.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JsonValue = dict[str, Any]

str32 = Annotated[str, 32]  # Kazoo document ids, Slack ids
str128 = Annotated[str, 128]
str255 = Annotated[str, 255]
bigint = Annotated[int, "bigint"]
utc_datetime = Annotated[datetime, "utc"]
intpk = Annotated[int, mapped_column(primary_key=True)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012  (SQLAlchemy's own class attribute)
        str32: String(32),
        str128: String(128),
        str255: String(255),
        # SQLite only auto-numbers an INTEGER PRIMARY KEY, and its INTEGER is 64-bit anyway
        bigint: BigInteger().with_variant(Integer(), "sqlite"),
        utc_datetime: UTCDateTime(),
        datetime: UTCDateTime(),
        date: Date(),
        JsonValue: JSON(),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, wal: bool) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if wal:
            # readers never block the writer, and the writer never blocks readers
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, a busy timeout and, on files, WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    connect_args = dict(kwargs.pop("connect_args", {}))
    # Connections move between threads through the pool; each is used by one at a time.
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    database = parsed.database or ""
    wal = database not in ("", ":memory:") and not database.startswith("file::memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, record, wal=wal)

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: services build their results after committing.
    return sessionmaker(engine, expire_on_commit=False)
