"""What the benchmarks share: running one on SQLite and, if given, on PostgreSQL.

A benchmark run as ``.venv/bin/python benchmarks/bench_x.py`` has this folder on
``sys.path``, so ``from common import ...`` finds this module.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_schema(postgres_url: str) -> Iterator[str]:
    """The URL of a new schema in the database at ``postgres_url`` (its ``search_path``),
    the schema dropped with everything in it on leaving the block."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def on_sqlite_and_postgres(bench: Callable[[str, str], None], postgres_url: str | None) -> None:
    """``bench(name, url)`` on a SQLite file in a temporary folder, then, if
    ``postgres_url`` is given, in a throwaway schema of that PostgreSQL database."""
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")
    if not postgres_url:
        print("PostgreSQL: skipped (set TEST_DATABASE_URL or pass --postgres URL)")
        return
    with throwaway_schema(postgres_url) as url:
        bench("PostgreSQL", url)
