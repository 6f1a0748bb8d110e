"""Workspaces never see each other: two Slack workspaces in one OAuth install, each with
its own PBX account (made for it on the local PBX, or connected by an API key the PBX
confirms), and people from another organisation in a shared channel are outsiders.

Everything goes through the real app over signed HTTP, against the Slack emulator
playing both workspaces, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import account_binder, asgi_app, build_services, create_app
from bot.commands.ids import Action, Block, Callback
from bot.config import Settings
from bot.pbx import AccountBinder, PbxRejected, PbxUnreachable
from bot.pbx.local import LocalPbx
from bot.services import Services
from slackemu import Identity
from slackemu.driver import Driver
from slackemu.server import SlackEmulator
from tests.crossbar.emulator import CrossbarEmulator
from tests.db import *  # noqa: F403  (the backend and fresh_url fixtures)
from tests.slack import live
from tests.slack.conftest import (
    ADMIN,
    CHANNEL,
    PEOPLE,
    SECRET,
    Slack,
    directory_yaml,
    pushed,
)
from tests.slack.forge import forged_submission, typed
from tests.slack.shown import shown

pytestmark = pytest.mark.slow

BETA = Identity(team_id="T0BETA", team_name="beta", bot_id="B0BETABOT", bot_user_id="U0BETABOT")
BEA = "U0BEA"  # beta's workspace admin
BEN = "U0BEN"  # a member of beta
BETA_PEOPLE = {BEA: ("bea", "bea@beta.example"), BEN: ("ben", "ben@beta.example")}
SHARED_DEFAULT = uuid.uuid5(uuid.NAMESPACE_URL, "groupbot:local-pbx-account").hex
NOT_CONNECTED = (
    "This workspace is not connected to a PBX account yet; an admin can connect it in /group setup."
)


def beta_directory() -> str:
    users = [
        {"name": name.title(), "email": email, "extension": str(101 + i)}
        for i, (name, email) in enumerate(BETA_PEOPLE.values())
    ]
    return json.dumps({"users": users})


class KazooKeys:
    """The PBX's side of crossbar's api_auth, as a test double of the PBX: which account
    each API key authenticates as; unreachable on demand."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self.keys = dict(keys)
        self.reachable = True
        self.asked: list[str] = []

    def confirm_account(self, credentials: str) -> str:
        self.asked.append(credentials)
        if not self.reachable:
            raise PbxUnreachable("connection refused")
        if credentials not in self.keys:
            raise PbxRejected("The PBX did not accept this API key")
        return self.keys[credentials]


@dataclass
class Install:
    """One multi-workspace install serving two workspaces: ``acme`` and ``beta``."""

    services: Services
    acme: Slack
    beta: Slack
    export_dir: Path


def _install(url: str, emu: SlackEmulator, user: str) -> None:
    """The OAuth install, as an admin of ``emu``'s workspace clicks through it."""
    page = live.get(url, "/slack/install")
    assert page.status == 200
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    state = re.search(r"state=([^&\"']+)", page.text)
    assert state is not None
    query = urllib.parse.urlencode({"code": emu.issue_oauth_code(user), "state": state.group(1)})
    done = live.get(url, f"/slack/oauth_redirect?{query}", headers={"cookie": cookie})
    assert done.status == 200, done.text


@contextmanager
def two_workspaces(
    tmp_path: Path, database_url: str, binder: AccountBinder | None = None
) -> Iterator[Install]:
    with SlackEmulator() as acme_emu:
        beta_emu = acme_emu.add_team(BETA)
        for user_id, (name, email) in PEOPLE.items():
            acme_emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        for user_id, (name, email) in BETA_PEOPLE.items():
            beta_emu.add_user(user_id, name, email, is_admin=user_id == BEA)
        acme_emu.add_channel(CHANNEL, "general")
        beta_emu.add_channel(CHANNEL, "general")
        export_dir = tmp_path / "callflows"
        settings = Settings(
            database_url=database_url,
            slack_signing_secret=SECRET,
            slack_client_id="0000000000.0000000000",
            slack_client_secret="emulator-client-secret",
            slack_state_secret="state-secret",
            slack_api_url=acme_emu.base_url,
            pbx_backend="file" if binder is None else "kazoo",
            pbx_export_dir=export_dir,
        )
        services = build_services(settings, pbx=LocalPbx(export_dir), binder=binder)
        with live.serve(asgi_app(create_app(settings, services), settings)) as url:
            _install(url, acme_emu, ADMIN)
            _install(url, beta_emu, BEA)
            acme = Slack(
                acme_emu,
                Driver(acme_emu, SECRET),
                url,
                services,
                export_dir,
                acme_emu.identity.team_id,
            )
            beta = Slack(
                beta_emu, Driver(beta_emu, SECRET), url, services, export_dir, BETA.team_id
            )
            yield Install(services, acme, beta, export_dir)


@pytest.fixture
def local(tmp_path: Path, fresh_url: str) -> Iterator[Install]:
    """Over the local PBX: each workspace gets an account of its own."""
    with two_workspaces(tmp_path, fresh_url) as install:
        install.services.import_directory(install.acme.team, directory_yaml())
        install.services.import_directory(install.beta.team, beta_directory())
        yield install


def said(reply: Mapping[str, Any]) -> str:
    return shown(reply)


def pbx_files(export_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(export_dir)): p.read_text() for p in export_dir.rglob("*.json")}


def typed_account(account: str) -> dict[str, Any]:
    """State for an account id input the form does not have."""
    return typed(Block.ACCOUNT_ID, Action.ACCOUNT_ID, account)


def delete_button(prompt: Mapping[str, Any]) -> str:
    return next(
        str(e["action_id"])
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if str(e["action_id"]).startswith(Action.DELETE)
    )


# ---------------------------------------------------------------- the local PBX


def test_each_workspace_gets_an_account_of_its_own(local: Install) -> None:
    acme = local.services.workspace(local.acme.team)
    beta = local.services.workspace(local.beta.team)
    assert acme.account_id != beta.account_id
    for account in (acme.account_id, beta.account_id):
        assert re.fullmatch(r"[0-9a-f]{32}", account)
        assert account != SHARED_DEFAULT
    # Setup shows it, and has nothing to type it into
    view = local.beta.open_modal("setup", user=BEA)
    assert beta.account_id in shown(view)
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert Block.ACCOUNT_ID not in inputs
    assert Block.API_KEY not in inputs


def test_a_workspace_never_reaches_anothers_groups(local: Install) -> None:
    acme, beta = local.acme, local.beta
    acme.reply(f"create Support 201 <@{ADMIN}|alice>")
    pushed(local.services)
    before = local.services.get_group(acme.team, "Support")
    files = pbx_files(local.export_dir)

    assert "Support" not in said(beta.reply("list", user=BEA))
    for line in (
        "show Support",
        "show 201",
        "history Support",
        "callflow 201",
        "rename Support Hijacked",
        "repeats 201 5",
        "add Support <@U0BEN|ben>",
        "undo Support",
        "delete Support",
        "delete 201",
    ):
        assert "No group" in said(beta.reply(line, user=BEA)), line

    after = local.services.get_group(acme.team, "Support")
    assert (after.group, after.version) == (before.group, before.version)
    pushed(local.services)
    assert pbx_files(local.export_dir) == files


def test_a_forged_button_or_form_naming_anothers_group_does_nothing(local: Install) -> None:
    acme, beta = local.acme, local.beta
    acme.reply(f"create Support 201 <@{ADMIN}|alice>")
    beta.reply(f"create Billing 202 <@{BEA}|bea>", user=BEA)
    pushed(local.services)
    before = local.services.get_group(acme.team, "Support")
    files = pbx_files(local.export_dir)

    # acme's Delete button, its value naming acme's group, pressed in beta by beta's admin
    prompt = acme.reply("delete Support")
    message = acme.emu.messages_to(CHANNEL)[-1]
    beta.send(beta.driver.press_in_message(message, delete_button(prompt), user_id=BEA))
    # acme's Settings form metadata, sent back from a form open in beta as if it were beta's
    theirs = acme.open_modal("edit Support")
    metadata = json.loads(theirs["private_metadata"])
    metadata["opener"] = BEA
    mine = beta.open_modal("edit Billing", user=BEA)
    typed = {Block.NAME: {Action.NAME: {"type": "plain_text_input", "value": "Hijacked"}}}
    forged_submission(beta, mine, BEA, metadata=json.dumps(metadata), extra_state=typed)

    after = local.services.get_group(acme.team, "Support")
    assert (after.group, after.version) == (before.group, before.version)
    pushed(local.services)
    assert pbx_files(local.export_dir) == files


def test_setup_ignores_an_account_id_forged_into_the_form(local: Install) -> None:
    acme_account = local.services.workspace(local.acme.team).account_id
    beta_account = local.services.workspace(local.beta.team).account_id
    view = local.beta.open_modal("setup", user=BEA)
    typed = {
        Block.ACCOUNT_ID: {Action.ACCOUNT_ID: {"type": "plain_text_input", "value": acme_account}}
    }
    _, outcome = forged_submission(local.beta, view, BEA, extra_state=typed)
    assert outcome.action == "close"
    assert local.services.workspace(local.beta.team).account_id == beta_account


# ---------------------------------------------------------------- Kazoo: API keys

KEY_ACME, KEY_BETA = "a" * 64, "b" * 64
ACCOUNT_ACME, ACCOUNT_BETA = "1" * 32, "2" * 32


@pytest.fixture
def kazoo(tmp_path: Path, fresh_url: str) -> Iterator[tuple[Install, KazooKeys]]:
    keys = KazooKeys({KEY_ACME: ACCOUNT_ACME, KEY_BETA: ACCOUNT_BETA})
    with two_workspaces(tmp_path, fresh_url, keys) as install:
        yield install, keys


def setup_errors(slack: Slack, user: str, key: str | None) -> dict[str, str]:
    view = slack.open_modal("setup", user=user)
    answers = {Block.API_KEY: key} if key is not None else {}
    _, outcome = slack.submit(view, answers, user=user)
    return dict(outcome.errors) if outcome.action == "errors" else {}


def test_until_its_api_key_is_confirmed_a_workspace_reaches_no_account(
    kazoo: tuple[Install, KazooKeys],
) -> None:
    install, keys = kazoo
    beta = install.beta
    for line in ("list", "show Support", f"create Sales 201 <@{BEA}|bea>"):
        assert NOT_CONNECTED in said(beta.reply(line, user=BEA)), line
    assert pbx_files(install.export_dir) == {}

    view = beta.open_modal("setup", user=BEA)
    assert "not connected yet" in shown(view)
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert Block.API_KEY in inputs
    assert Block.ACCOUNT_ID not in inputs

    assert setup_errors(beta, BEA, "f" * 64) == {
        Block.API_KEY: "The PBX did not accept this API key; check it and paste it again."
    }
    keys.reachable = False
    errors = setup_errors(beta, BEA, KEY_BETA)
    assert "could not be reached" in errors[Block.API_KEY]
    keys.reachable = True
    assert NOT_CONNECTED in said(beta.reply("list", user=BEA))

    assert setup_errors(beta, BEA, f"  {KEY_BETA}\n") == {}
    assert install.services.workspace(beta.team).account_id == ACCOUNT_BETA
    assert NOT_CONNECTED not in said(beta.reply("list", user=BEA))
    # shown read-only, the key never shown back; leaving it empty keeps the account
    view = beta.open_modal("setup", user=BEA)
    assert ACCOUNT_BETA in shown(view)
    assert KEY_BETA not in json.dumps(view)
    assert setup_errors(beta, BEA, None) == {}
    assert install.services.workspace(beta.team).account_id == ACCOUNT_BETA


def test_one_pbx_account_is_never_connected_to_two_workspaces(
    kazoo: tuple[Install, KazooKeys],
) -> None:
    install, _ = kazoo
    assert setup_errors(install.beta, BEA, KEY_BETA) == {}
    assert setup_errors(install.acme, ADMIN, KEY_BETA) == {
        Block.API_KEY: "This API key's PBX account is connected to another Slack workspace."
    }
    assert NOT_CONNECTED in said(install.acme.reply("list"))
    assert setup_errors(install.acme, ADMIN, KEY_ACME) == {}
    install.services.import_directory(install.acme.team, directory_yaml())
    install.acme.reply(f"create Support 201 <@{ADMIN}|alice>")
    assert "No group" in said(install.beta.reply("show Support", user=BEA))
    # a typed account id is no way in: the form has no such input, and a forged one is ignored
    view = install.beta.open_modal("setup", user=BEA)
    typed = {
        Block.ACCOUNT_ID: {Action.ACCOUNT_ID: {"type": "plain_text_input", "value": ACCOUNT_ACME}}
    }
    _, outcome = forged_submission(install.beta, view, BEA, extra_state=typed)
    assert outcome.action == "close"
    assert install.services.workspace(install.beta.team).account_id == ACCOUNT_BETA


# ---------------------------------------------------------------- people of other organisations


EXTERNAL = "U0XENA"  # an admin of the partner organisation, in a channel shared with it


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Slack]:
    """A one-workspace install whose channel is shared with another organisation, one
    of whose admins GROUPBOT_ADMINS lists (by mistake, or an id reused across teams)."""
    with SlackEmulator() as emu:
        for user_id, (name, email) in PEOPLE.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_user(EXTERNAL, "xena", "xena@partner.example", is_admin=True, home_team="T0PARTNER")
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_bot_token="xoxb-shared",
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
            groupbot_admins=frozenset({EXTERNAL}),
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        with live.serve(asgi_app(create_app(settings, services), settings)) as url:
            yield Slack(emu, Driver(emu, SECRET), url, services, settings.pbx_export_dir, team)


def test_people_from_another_organisation_have_everyone_elses_rights(shared: Slack) -> None:
    shared.reply(f"create Support 201 <@{ADMIN}|alice>")
    shared.reply(f"lead Support <@{EXTERNAL}|xena>")
    before = shared.group("Support")

    assert "Support" in said(shared.reply("list", user=EXTERNAL))
    assert "Support" in said(shared.reply("show Support", user=EXTERNAL))
    for line in ("rename Support Hijacked", "repeats Support 5", "delete Support"):
        refusal = said(shared.reply(line, user=EXTERNAL))
        assert "You are from another Slack organisation" in refusal, line
    for line, refusal in (
        ("setup", "Only a workspace admin can change the workspace setup."),
        ("create", "Only a workspace admin can create a group."),
        ("edit Support", "You are from another Slack organisation"),
    ):
        view = shared.open_modal(line, user=EXTERNAL)
        assert view["callback_id"] not in (Callback.SETUP, Callback.CREATE, Callback.SETTINGS)
        assert refusal in shown(view), line

    # the admin's Delete button, pressed by them
    prompt = shared.reply("delete Support")
    message = shared.emu.messages_to(CHANNEL)[-1]
    shared.send(shared.driver.press_in_message(message, delete_button(prompt), user_id=EXTERNAL))

    after = shared.group("Support")
    assert (after.group, after.version) == (before.group, before.version)


def test_setup_binds_the_account_crossbar_confirms_for_the_key(
    tmp_path: Path, fresh_url: str
) -> None:
    """The same Setup, with the binder ``groupbot serve`` builds for PBX_BACKEND=kazoo,
    against the crossbar emulator: the workspace gets the account the key authenticates as."""
    with CrossbarEmulator(validate=False) as crossbar:
        beta_account = crossbar.add_account()
        settings = Settings(
            slack_client_id="1.2",
            slack_client_secret="s",
            pbx_backend="kazoo",
            kazoo_url=crossbar.url,
        )
        binder = account_binder(settings, LocalPbx(tmp_path / "unused"))
        assert binder is not None
        with two_workspaces(tmp_path, fresh_url, binder) as install:
            assert setup_errors(install.beta, BEA, "0" * 64) == {
                Block.API_KEY: "The PBX did not accept this API key; check it and paste it again."
            }
            assert setup_errors(install.beta, BEA, beta_account.api_key) == {}
            assert install.services.workspace(BETA.team_id).account_id == beta_account.account_id
            assert crossbar.count("PUT", "/api_auth") == 2
