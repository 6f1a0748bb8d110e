"""A pause made on a phone (the ring_group_toggle feature code sets ``disable_until`` on
the member's endpoint) read from the PBX over real HTTP: shown as a pause, in the history,
and never reported as drift to undo; taking it writes nothing back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from bot.engine.presence import GREGORIAN_OFFSET
from bot.jobs import run_job
from bot.pbx.kazoo import KazooPbx
from bot.services import ServiceOptions, Services
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import BOB
from tests.db import *  # noqa: F403  (fixtures)
from tests.pbx.test_drift import ADMIN, SUPPORT, TEAM, crossbar, pbx

__all__ = ["crossbar", "pbx"]  # the drift tests' fixtures, used by name below

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def services(
    pbx: KazooPbx, crossbar: CrossbarEmulator, uow_factory: UnitOfWorkFactory
) -> Iterator[Services]:
    with freeze_time(NOW):
        services = Services(
            uow_factory,
            pbx,
            lambda: datetime.now(UTC),
            ServiceOptions(default_account_id=crossbar.account_id),
        )
        services.sync_directory(TEAM)
        services.create_group(ADMIN, SUPPORT)
        services.push_pending(TEAM)
        yield services


def bob_toggles_on_his_phone(pbx: KazooPbx, services: Services, until: datetime) -> None:
    base_id = services.get_group(TEAM, "Support").pbx.base_callflow_id
    document = pbx.read("callflows", base_id)
    assert document is not None
    for endpoint in document["flow"]["data"]["endpoints"]:
        if endpoint["id"] == BOB:
            endpoint["disable_until"] = int(until.timestamp()) + GREGORIAN_OFFSET
    pbx.put("callflows", base_id, document)


def test_a_pause_set_on_the_phone_shows_as_a_pause_not_as_drift(
    services: Services, pbx: KazooPbx
) -> None:
    until = NOW + timedelta(hours=1)
    bob_toggles_on_his_phone(pbx, services, until)

    report = services.drift(TEAM)

    assert report.drifted == ()
    assert report.in_sync == ("Support",)
    bob = services.get_group(TEAM, "Support").group.member(BOB)
    assert bob is not None
    assert bob.paused_until == until
    assert services.history(TEAM, "Support")[0].summary == (
        "on the phone: paused Bob Jones until Mon 30 Nov 13:00 UTC"
    )
    assert services.push_pending(TEAM).writes == 0  # the PBX has it already


def test_directory_sync_takes_pauses_made_on_the_phone_too(
    services: Services, pbx: KazooPbx
) -> None:
    bob_toggles_on_his_phone(pbx, services, NOW + timedelta(hours=1))

    assert services.take_pbx_pauses(TEAM) == ["Support"]
    assert services.take_pbx_pauses(TEAM) == []  # taken once


def test_the_directory_sync_job_says_it_took_pauses_made_on_phones(
    services: Services, pbx: KazooPbx
) -> None:
    bob_toggles_on_his_phone(pbx, services, NOW + timedelta(hours=1))

    said = run_job("directory-sync", services, NOW, TEAM)

    assert "took pauses made on phones in Support" in said
    bob = services.get_group(TEAM, "Support").group.member(BOB)
    assert bob is not None
    assert bob.paused_until == NOW + timedelta(hours=1)
