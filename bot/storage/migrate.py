"""Applying the Alembic migrations that ship inside the package.

``groupbot db upgrade`` calls ``upgrade``; an SQLite database is also upgraded on start
(``bot.app.prepare_database``). The migrations own every table, the Slack SDK's
installation and OAuth-state tables and APScheduler's job table included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Made by the Slack SDK's stores; the migrations create them, the models do not describe them.
SLACK_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})
# APScheduler 3's SQLAlchemyJobStore table (``groupbot clock``); made by the migrations too.
SCHEDULER_TABLES = frozenset({"apscheduler_jobs"})
LIBRARY_TABLES = SLACK_TABLES | SCHEDULER_TABLES


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """What autogenerate compares: everything but the libraries' own tables."""
    if type_ == "table":
        return name not in LIBRARY_TABLES
    table = getattr(getattr(obj, "table", None), "name", None)  # an index of such a table
    return table not in LIBRARY_TABLES


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would read a password's % as a reference
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head", connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str, revision: str, connection: Connection | None = None) -> None:
    command.downgrade(alembic_config(url, connection), revision)
