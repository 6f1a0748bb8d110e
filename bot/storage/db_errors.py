"""One line for an error that means the database cannot be used as configured.

The command line shows these instead of a traceback: a DATABASE_URL that is not a URL,
names a database groupbot has no driver for, or points at a server that cannot be
reached, a database that does not exist or has no tables yet. Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)

_SQLALCHEMY = Path(sqlalchemy.__file__).resolve().parent
EXAMPLES = "like postgresql+psycopg://user@host/groupbot or sqlite:///groupbot.db"


def database_problem(error: BaseException, url: str) -> str | None:
    """What is wrong with the database at ``url``, in one line; None if ``error`` is
    not about reaching or reading the database."""
    if isinstance(error, NoSuchModuleError):
        return f"DATABASE_URL {shown_url(url)} names a kind of database groupbot cannot use"
    if isinstance(error, ArgumentError):
        return f"DATABASE_URL is not a database URL ({EXAMPLES})"
    if isinstance(error, ModuleNotFoundError) and _raised_by_sqlalchemy(error):
        return (
            f"DATABASE_URL {shown_url(url)} needs the database driver {error.name}, "
            "which is not installed"
        )
    if isinstance(error, OperationalError | ProgrammingError) and _missing_table(error):
        return f"the database {shown_url(url)} has no groupbot tables yet: run groupbot db upgrade"
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return f"cannot use the database {shown_url(url)}: {_first_line(error)}"
    if isinstance(error, CommandError):
        return f"cannot migrate the database {shown_url(url)}: {_first_line(error)}"
    return None


def shown_url(url: str) -> str:
    """``url`` with its password hidden; a string that is no URL is not shown at all."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def _first_line(error: BaseException) -> str:
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def _missing_table(error: DBAPIError) -> bool:
    text = str(error.orig).casefold()  # SQLite's, then PostgreSQL's wording
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _raised_by_sqlalchemy(error: BaseException) -> bool:
    """Whether SQLAlchemy itself asked for the module (a dialect loading its driver)."""
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(_SQLALCHEMY):
            return True
        tb = tb.tb_next
    return False
