"""A multi-workspace install over Kazoo: each workspace's changes reach its own PBX
account, with the API key its admin connected it with, and no other account is read or
written for it (issue 9, workspaces never see each other; issue 11, the live PBX)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_services
from bot.config import Settings
from bot.engine.validation import parse_group
from bot.pbx.kazoo import CrossbarClient, KazooPbx
from bot.services import Actor, Services, WorkspaceSettings
from bot.storage.directory_file import demo_directory_text
from tests.crossbar.emulator import Account, CrossbarEmulator

BETA = Actor("T0BETA", "U0BEA", is_admin=True)


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=False) as emulator:
        yield emulator


def install(crossbar: CrossbarEmulator, tmp_path: Path) -> Services:
    """An OAuth install whose own key (KAZOO_API_KEY) is account A's."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
        slack_client_id="1.2",
        slack_client_secret="secret",
        pbx_backend="kazoo",
        kazoo_url=crossbar.url,
        kazoo_api_key=crossbar.api_key,
        kazoo_account_id=crossbar.account_id,
        pbx_export_dir=tmp_path / "unused",
    )
    own = KazooPbx(CrossbarClient(crossbar.url, crossbar.api_key), crossbar.account_id)
    return build_services(settings, pbx=own)


def beta_with_sales(crossbar: CrossbarEmulator, tmp_path: Path) -> tuple[Services, Account]:
    """Workspace beta connected to an account of its own by its key, with Sales saved."""
    beta_account = crossbar.add_account()
    services = install(crossbar, tmp_path)
    services.setup_workspace(
        BETA, WorkspaceSettings(BETA.team_id, ""), api_key=beta_account.api_key
    )
    services.import_directory(BETA.team_id, demo_directory_text())
    alice = next(iter(services.directory(BETA.team_id).users))
    members = [{"user_id": alice, "start": 0, "end": 20}]
    services.create_group(
        BETA, parse_group({"name": "Sales", "extension": "201", "members": members})
    )
    return services, beta_account


def test_a_workspace_bound_to_its_own_account_is_written_there_and_only_there(
    crossbar: CrossbarEmulator, tmp_path: Path
) -> None:
    services, beta_account = beta_with_sales(crossbar, tmp_path)

    pushed = services.push_pending(BETA.team_id)

    assert pushed.failed == ()
    assert [g["name"] for g in crossbar.documents("groups", beta_account.account_id).values()] == [
        "Sales"
    ]
    assert crossbar.documents("groups", crossbar.account_id) == {}
    assert crossbar.documents("callflows", crossbar.account_id) == {}
    # and what it reads of the PBX is its own account's: nothing else to adopt
    assert services.drift(BETA.team_id).adoptable == ()


def test_without_a_key_for_the_account_nothing_is_written_anywhere(
    crossbar: CrossbarEmulator, tmp_path: Path
) -> None:
    services, beta_account = beta_with_sales(crossbar, tmp_path)
    beta_account.api_key = "0" * 64  # the key revoked on the PBX

    pushed = services.push_pending(BETA.team_id)

    assert [name for name, _ in pushed.failed] == ["Sales"]
    assert crossbar.documents("groups", crossbar.account_id) == {}
