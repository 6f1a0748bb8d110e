"""The migrations build exactly the schema the models describe, from any revision."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, inspect

from bot.storage.db import Base, make_engine
from bot.storage.migrate import (
    LIBRARY_TABLES,
    SCHEDULER_TABLES,
    SLACK_TABLES,
    alembic_config,
    downgrade,
    include_object,
    upgrade,
)


def _diff(engine: Engine, metadata: MetaData, include: Any) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include, "compare_type": True}
        )
        return list(compare_metadata(context, metadata))


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert _diff(engine, Base.metadata, include_object) == []


def test_slack_tables_are_the_sdks_own(engine: Engine) -> None:
    """The migrations create the Slack stores' tables; slack_sdk must find them as it
    would have made them (its ``create_tables()`` is then a no-op)."""
    sdk = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(sdk, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(sdk, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(sdk, "slack_oauth_states")

    def only_slack(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        return type_ != "table" or name in SLACK_TABLES

    assert _diff(engine, sdk, only_slack) == []


def test_the_scheduler_table_is_the_job_stores_own(engine: Engine) -> None:
    """``groupbot clock``'s job store finds its table as it would have made it."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    store = SQLAlchemyJobStore(engine=engine)

    def only_scheduler(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        return type_ != "table" or name in SCHEDULER_TABLES

    assert _diff(engine, store.jobs_t.metadata, only_scheduler) == []


def test_every_revision_upgrades_to_head_and_back(fresh_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(fresh_url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    engine = make_engine(fresh_url)
    try:
        downgrade(fresh_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        for revision in revisions:  # from an empty database, one step at a time
            upgrade(fresh_url, revision)
        for revision in revisions[:-1]:  # and from every earlier revision straight to head
            downgrade(fresh_url, revision)
            upgrade(fresh_url, "head")
        tables = set(inspect(engine).get_table_names())
        assert tables >= {t.name for t in Base.metadata.sorted_tables} | LIBRARY_TABLES
        assert _diff(engine, Base.metadata, include_object) == []
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(fresh_url: str) -> None:
    upgrade(fresh_url)
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        assert _diff(engine, Base.metadata, include_object) == []
    finally:
        engine.dispose()
