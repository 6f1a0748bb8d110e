"""PBX_BACKEND=kazoo: a missing or wrong KAZOO_URL, KAZOO_API_KEY or KAZOO_ACCOUNT_ID is
one line at start naming the variable, exit status 2 (groupbot run as a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.crossbar.emulator import CrossbarEmulator

pytestmark = pytest.mark.slow

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=False) as emulator:
        yield emulator


@pytest.fixture
def groupbot(tmp_path: Path, crossbar: CrossbarEmulator) -> Run:
    """``groupbot directory sync`` with the emulator's settings, ``changes`` applied
    (None: the variable unset)."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "KAZOO_", "PBX_", "GROUPBOT_")) and key != "DATABASE_URL"
    }
    base |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'groupbot.db'}",
        "PBX_BACKEND": "kazoo",
        "KAZOO_URL": crossbar.url,
        "KAZOO_API_KEY": crossbar.api_key,
        "KAZOO_ACCOUNT_ID": crossbar.account_id,
    }

    def run(**changes: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in (base | changes).items() if v is not None}
        return subprocess.run(
            [sys.executable, "-m", "bot", "directory", "sync"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
            check=False,
        )

    return run


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one line said, after checking it is one line and the exit status is 2."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.removeprefix("groupbot: ").rstrip("\n")


@pytest.mark.parametrize(
    ("variable", "what"),
    [
        ("KAZOO_URL", "the PBX's crossbar address, like https://pbx.example.com:8443"),
        ("KAZOO_API_KEY", "the API key of the PBX account"),
        ("KAZOO_ACCOUNT_ID", "the id of the PBX account whose groups groupbot manages"),
    ],
)
@pytest.mark.parametrize("unset", [None, "  "], ids=["missing", "blank"])
def test_a_missing_variable_is_named(
    groupbot: Run, variable: str, what: str, unset: str | None
) -> None:
    said = refused(groupbot(**{variable: unset}))

    assert said == f"PBX_BACKEND=kazoo needs {variable} ({what}); it is not set"


def test_a_key_the_pbx_does_not_accept(groupbot: Run, crossbar: CrossbarEmulator) -> None:
    for key in ("f" * 64, "not-a-key"):
        said = refused(groupbot(KAZOO_API_KEY=key))

        assert said == f"KAZOO_API_KEY was not accepted by the PBX at KAZOO_URL ({crossbar.url})"


def test_a_url_that_is_not_one(groupbot: Run, crossbar: CrossbarEmulator) -> None:
    assert refused(groupbot(KAZOO_URL="pbx.example.com")) == (
        "KAZOO_URL must be the PBX's crossbar address, like https://pbx.example.com:8443, "
        "not 'pbx.example.com'"
    )
    assert refused(groupbot(KAZOO_URL=crossbar.url + "/v2")) == (
        f"KAZOO_URL is the address without /v2, which groupbot adds: not '{crossbar.url}/v2'"
    )


def test_a_url_where_no_pbx_answers(groupbot: Run) -> None:
    said = refused(groupbot(KAZOO_URL="http://127.0.0.1:9"))

    assert said.startswith(
        "KAZOO_URL (http://127.0.0.1:9) does not answer as a Kazoo crossbar API: "
        "cannot reach the PBX at http://127.0.0.1:9/v2: "
    )


def test_an_account_the_key_may_not_act_on(groupbot: Run, crossbar: CrossbarEmulator) -> None:
    stranger = crossbar.add_account()
    unknown = "e" * 32

    assert refused(groupbot(KAZOO_ACCOUNT_ID=stranger.account_id)) == (
        f"KAZOO_ACCOUNT_ID {stranger.account_id} is neither the account of KAZOO_API_KEY "
        f"({crossbar.account_id}) nor an account below it that the key may act on"
    )
    assert refused(groupbot(KAZOO_ACCOUNT_ID=unknown)) == (
        f"KAZOO_ACCOUNT_ID {unknown}: the PBX at {crossbar.url} has no such account"
    )
    assert refused(groupbot(KAZOO_ACCOUNT_ID="Sales")) == (
        "KAZOO_ACCOUNT_ID must be a Kazoo account id (32 lowercase hex), not 'Sales'"
    )


def test_an_account_below_the_keys_own_is_accepted(
    groupbot: Run, crossbar: CrossbarEmulator
) -> None:
    client = crossbar.add_account(parent=crossbar.account_id)
    crossbar.seed("users", {"first_name": "Ann", "email": "ann@example.com"}, client.account_id)

    result = groupbot(KAZOO_ACCOUNT_ID=client.account_id)

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Read 1 user, 0 devices, 0 voicemail boxes, 0 menus and 0 media files "
        f"from PBX account {client.account_id}.\n"
    )
