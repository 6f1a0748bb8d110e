"""``groupbot shell`` with PBX_BACKEND=kazoo, end to end: the shell as a subprocess, the
crossbar emulator seeded as a SmartPBX account. The directory is read from the PBX at
start, and what the shell changes arrives on the PBX exactly as compiled, with the
PBX's user ids."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.services import ServiceOptions, Services
from bot.storage.db import make_engine, make_session_factory
from bot.storage.unit_of_work import unit_of_work_factory
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import ALICE, BOB, seed_account
from tests.db import FakeClock
from tests.shared_files import shared_dir
from tests.test_services import FakePbx

pytestmark = pytest.mark.slow

Shell = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=shared_dir() is not None, page_size=2) as emulator:
        seed_account(emulator)
        yield emulator


@pytest.fixture
def shell(tmp_path: Path, crossbar: CrossbarEmulator) -> Shell:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "KAZOO_", "PBX_", "GROUPBOT_")) and key != "DATABASE_URL"
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'groupbot.db'}",
        "PBX_BACKEND": "kazoo",
        "KAZOO_URL": crossbar.url,
        "KAZOO_API_KEY": crossbar.api_key,
        "KAZOO_ACCOUNT_ID": crossbar.account_id,
    }

    def run(*lines: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "shell"],
            input="".join(line + "\n" for line in lines),
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )

    return run


def groupbot_services(tmp_path: Path, account: str) -> Services:
    """What the shell's database holds, read afterwards."""
    engine = make_engine(f"sqlite:///{tmp_path / 'groupbot.db'}")
    uow = unit_of_work_factory(make_session_factory(engine))
    return Services(uow, FakePbx(), FakeClock(), ServiceOptions(default_account_id=account))


def test_a_group_made_in_the_shell_reaches_kazoo_as_compiled(
    shell: Shell, crossbar: CrossbarEmulator, tmp_path: Path
) -> None:
    result = shell("/group create Sales 201 @alice @bob", "/group list")

    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "groupbot shell: #general with @dana.lee @alice @bob @carol." in out
    assert "The PBX directory is Kazoo's (groupbot directory sync reads it again)." in out
    assert f"PBX documents are sent to Kazoo at {crossbar.url}" in out
    assert "Created Sales." in out
    assert "Sales · ext 201 · 2 members" in out

    services = groupbot_services(tmp_path, crossbar.account_id)
    view = services.get_group("T0ANY", "Sales")
    compiled = services.compiled("T0ANY", "Sales")
    for collection, doc_id, document in compiled.by_collection(view.pbx):
        assert crossbar.documents(collection)[doc_id] == document
    assert list(crossbar.documents("groups")) == [view.pbx.group_id]
    assert set(crossbar.documents("groups")[view.pbx.group_id]["endpoints"]) == {ALICE, BOB}
    base = crossbar.documents("callflows")[view.pbx.base_callflow_id]
    assert [e["id"] for e in base["flow"]["data"]["endpoints"]] == [ALICE, BOB]


def test_a_second_session_changes_and_deletes_on_kazoo(
    shell: Shell, crossbar: CrossbarEmulator, tmp_path: Path
) -> None:
    assert shell("/group create Sales 201 @alice").returncode == 0
    group_id = next(iter(crossbar.documents("groups")))

    changed = shell("/group add Sales @carol", "/group rename Sales Inside Sales")

    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert "The PBX directory is Kazoo's" in changed.stdout
    assert crossbar.documents("groups")[group_id]["name"] == "Inside Sales"
    assert len(crossbar.documents("groups")[group_id]["endpoints"]) == 2

    deleted = shell('/group delete "Inside Sales"', "#1", "y")

    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert crossbar.documents("groups") == {}
    assert crossbar.is_deleted(group_id)
    assert {c.get("type") for c in crossbar.documents("callflows").values()} == {
        "mainUserCallflow",
        "main",
    }
