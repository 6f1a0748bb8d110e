"""The scheduled jobs: ``pbx-outbox`` pushes what the PBX missed; ``schedule_jobs`` times them."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.engine.model import Group, Member
from bot.jobs import (
    JOBS,
    JobFailed,
    UnknownJob,
    bound_jobs,
    push_pbx_outbox,
    run_job,
)
from bot.pbx.local import LocalPbx
from bot.services import Actor, ServiceOptions, Services, WorkspaceSettings
from bot.storage.db import make_engine, make_session_factory
from bot.storage.directory_file import demo_directory_text
from bot.storage.unit_of_work import UnitOfWorkFactory, unit_of_work_factory
from tests.db import *  # noqa: F403  (fixtures)
from tests.db import FakeClock
from tests.test_services import ACCOUNT, ADMIN, TEAM, FakePbx, pbx, sales, services

__all__ = ["pbx", "services"]  # fixtures from tests.test_services

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REPEATS_2 = lambda g, _d: g.model_copy(update={"repeats": 2})  # noqa: E731


def test_pbx_outbox_pushes_a_change_made_while_the_pbx_was_down(
    services: Services, pbx: FakePbx
) -> None:
    pbx.down = True
    view = services.create_group(ADMIN, sales(services)).view
    assert view.pbx_pending
    pbx.down = False

    said = push_pbx_outbox(services, NOW)

    assert said == "pushed 1 change: Sales"
    assert not services.get_group(TEAM, "sales").pbx_pending
    documents = services.compiled(TEAM, "sales")
    assert pbx.docs[("callflows", view.pbx.base_callflow_id)] == documents.base_callflow
    assert len(pbx.docs) == 3
    assert push_pbx_outbox(services, NOW) == "nothing to push: the PBX has every change"


def test_pbx_outbox_sends_only_the_latest_of_several_pending_changes_and_deletions(
    services: Services, pbx: FakePbx
) -> None:
    services.create_group(ADMIN, sales(services))
    services.push_after_save()
    pbx.down = True
    services.change_group(ADMIN, "sales", REPEATS_2)
    services.create_group(ADMIN, sales(services, "carol", ext="202", name="Support"))
    services.delete_group(ADMIN, "support")
    assert len(services.push_after_save().failed) == 2
    pbx.down = False

    assert push_pbx_outbox(services, NOW) == "pushed 2 changes: Sales, Support"

    view = services.get_group(TEAM, "sales")
    assert pbx.docs[("callflows", view.pbx.base_callflow_id)]["flow"]["data"]["repeats"] == 2
    assert len(pbx.docs) == 3  # Support was created and deleted: nothing of it is left


def test_pbx_outbox_while_the_pbx_is_still_down_fails_and_keeps_the_entry(
    services: Services, pbx: FakePbx
) -> None:
    pbx.down = True
    services.create_group(ADMIN, sales(services))

    with pytest.raises(JobFailed) as caught:
        push_pbx_outbox(services, NOW)

    assert str(caught.value) == (
        "the PBX did not take 1 change: Sales (connection refused); "
        "they stay queued for the next run"
    )
    assert services.get_group(TEAM, "sales").pbx_pending


def test_pbx_outbox_for_one_workspace_leaves_the_others(services: Services, pbx: FakePbx) -> None:
    other = Actor("T0OTHER", "UADMIN2", is_admin=True)
    services.setup_workspace(other, WorkspaceSettings("T0OTHER", "b" * 32))
    services.import_directory("T0OTHER", demo_directory_text())
    alice = services.pbx_user_for("T0OTHER", "U-nobody", "alice@example.com")
    pbx.down = True
    services.create_group(ADMIN, sales(services))
    services.create_group(
        other, Group(name="Desk", extension="301", members=(Member(user_id=alice),))
    )
    pbx.down = False

    assert run_job("pbx-outbox", services, NOW, workspace="T0OTHER") == "pushed 1 change: Desk"
    assert services.get_group(TEAM, "sales").pbx_pending
    assert run_job("pbx-outbox", services, NOW) == "pushed 1 change: Sales"


def test_pbx_outbox_removes_what_writes_killed_midway_left_in_the_pbx_folder(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "pbx"
    services = Services(
        uow_factory, LocalPbx(folder), clock, ServiceOptions(default_account_id=ACCOUNT)
    )
    services.import_directory(None, demo_directory_text())
    view = services.create_group(ADMIN, sales(services)).view
    services.push_after_save()
    documents = {p: p.read_bytes() for p in folder.rglob("*.json")}
    assert len(documents) == 3

    def temporary(collection: str, doc_id: str, age: float) -> Path:
        """What ``put`` leaves when its process is killed between write and rename."""
        path = folder / collection / f".{doc_id}.q1w2e3r4.tmp"
        path.write_text("{", encoding="utf-8")
        then = time.time() - age
        os.utime(path, (then, then))
        return path

    killed = [
        temporary("groups", view.pbx.group_id, age=120),
        temporary("callflows", view.pbx.base_callflow_id, age=3600),
    ]
    being_written = temporary("callflows", view.pbx.user_callflow_id, age=5)

    said = push_pbx_outbox(services, NOW)

    assert said == (
        "nothing to push: the PBX has every change; "
        "removed 2 temporary files left by PBX writes that never finished"
    )
    assert not any(path.exists() for path in killed)
    assert being_written.exists()  # another process may be between write and rename
    assert {p: p.read_bytes() for p in folder.rglob("*.json")} == documents
    assert push_pbx_outbox(services, NOW) == "nothing to push: the PBX has every change"


def test_an_unknown_job_names_the_known_ones(services: Services) -> None:
    known = (
        "directory-sync, pbx-outbox, recordings-sync, storage-alerts, storage-report, "
        "storage-rollup, usergroup-mirror"
    )
    with pytest.raises(UnknownJob, match=rf"no job 'no-such-job'; the jobs are: {known}$"):
        run_job("no-such-job", services, NOW)


def test_bound_jobs_are_what_the_shell_runs(services: Services, pbx: FakePbx) -> None:
    pbx.down = True
    services.create_group(ADMIN, sales(services))
    pbx.down = False

    jobs = bound_jobs(services, clock=lambda: NOW)

    assert sorted(jobs) == sorted(JOBS)
    assert jobs["pbx-outbox"]() == "pushed 1 change: Sales"


# -- two processes pushing at once -----------------------------------------------------------


class GatedPbx(FakePbx):
    """Holds the puts of the thread named ``clock`` until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def put(self, collection: str, doc_id: str, document: dict[str, object]) -> None:
        if threading.current_thread().name == "clock":
            self.entered.set()
            assert self.release.wait(30)
        super().put(collection, doc_id, document)


def test_an_older_change_never_lands_after_a_newer_one_from_another_process(
    fresh_url: str,
) -> None:
    pbx = GatedPbx()
    engines = [make_engine(fresh_url), make_engine(fresh_url)]
    web, clock = (
        Services(
            unit_of_work_factory(make_session_factory(engine)),
            pbx,
            FakeClock(),
            ServiceOptions(default_account_id=ACCOUNT),
        )
        for engine in engines
    )
    try:
        web.import_directory(None, demo_directory_text())
        pbx.down = True
        view = web.create_group(ADMIN, sales(web)).view  # repeats 1, pending
        pbx.down = False

        pushing = threading.Thread(target=clock.push_pending, name="clock")
        pushing.start()  # the clock process sends repeats 1 …
        assert pbx.entered.wait(30)

        def save_and_push() -> None:
            web.change_group(ADMIN, "sales", REPEATS_2)
            web.push_after_save()

        saving = threading.Thread(target=save_and_push)
        saving.start()  # … while the web process saves and pushes repeats 2
        saving.join(30)  # the save waits for no push; its push skips the claimed group
        pbx.release.set()
        pushing.join(30)
        saving.join(30)

        base = pbx.docs[("callflows", view.pbx.base_callflow_id)]
        assert base["flow"]["data"]["repeats"] == 2
        assert not web.get_group(TEAM, "sales").pbx_pending
    finally:
        pbx.release.set()
        for engine in engines:
            engine.dispose()
