"""Starting a shell session: the emulated workspace, its members, the app, the loop.

``bot.app.cli_shell`` builds the settings and services (the one wiring place) and hands
them here with a way to build the Bolt app once the emulator's URL is known.
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from slack_bolt import App

from bot.config import Settings
from bot.engine.directory import UserFact
from bot.services import Services
from bot.shell.chat import EmulatedChat
from bot.shell.observe import Watch
from bot.shell.session import Job, Session
from bot.shell.terminal import PipedLines, TerminalLines, shown_path
from bot.shell.text import Style
from bot.shell.workspace import Channel, Person
from slackemu.server import SlackEmulator

# Fixed credentials of the in-process emulator: nothing leaves 127.0.0.1.
SIGNING_SECRET = "groupbot-shell-signing-secret"
BOT_TOKEN = "xoxb-groupbot-shell"
CHANNEL = Channel("C0GENERAL", "general")
ADMIN = Person("U0ADMIN", "admin", "Workspace Admin")
# A Slack user group to try /group mirror with (its examples name it): /usergroup changes it
DEMO_USERGROUP = "oncall"
DEMO_USERGROUP_MEMBERS = ("carol", "dana")


def shell_settings(base: Settings) -> Settings:
    """``base`` (the environment: DATABASE_URL, PBX_BACKEND, PBX_EXPORT_DIR or KAZOO_…)
    for a shell session: single-workspace credentials for the emulator."""
    return base.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_client_id": None,
            "slack_client_secret": None,
            "slack_state_secret": None,
            "slack_app_token": None,
        }
    )


def people_of(users: Mapping[str, UserFact], taken: Sequence[str] = ()) -> list[Person]:
    """The workspace members for the directory's users: ``@alice`` is alice@…"""
    people: list[Person] = []
    used_handles = set(taken)
    used_ids = {"U0GROUPBOT", ADMIN.user_id}
    for fact in sorted(users.values(), key=lambda u: (u.extension or "", u.name)):
        base = (fact.email or "").split("@")[0] or ".".join(fact.name.lower().split())
        handle = _unique(base.lower(), used_handles, ".")
        user_id = _unique("U0" + re.sub(r"[^A-Z0-9]", "", handle.upper())[:16], used_ids, "")
        used_handles.add(handle)
        used_ids.add(user_id)
        people.append(Person(user_id, handle, fact.name))
    return people


def _unique(wanted: str, used: set[str], glue: str) -> str:
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}{glue}{n}"
    return candidate


def run(
    settings: Settings,
    services: Services,
    make_app: Callable[[Settings, Watch], App],
    *,
    as_user: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    jobs: Mapping[str, Job] | None = None,
) -> int:
    """A whole shell session; the exit status (0 only when every command succeeded)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with SlackEmulator(tokens=[BOT_TOKEN]) as emulator:
        team_id = emulator.identity.team_id
        loaded_demo = services.ensure_directory(team_id)
        people = people_of(services.directory(team_id).users, taken=[ADMIN.handle])
        emulator.add_user(
            ADMIN.user_id,
            ADMIN.handle,
            "",
            is_admin=True,
            is_owner=True,
            real_name=ADMIN.real_name,
        )
        facts = {f.name: f for f in services.directory(team_id).users.values()}
        for person in people:
            email = facts[person.real_name].email if person.real_name in facts else None
            emulator.add_user(
                person.user_id, person.handle, email or "", real_name=person.real_name
            )
        emulator.add_channel(CHANNEL.channel_id, CHANNEL.name)

        user = ADMIN
        if as_user:
            found = next((p for p in people if p.handle == as_user.lstrip("@").lower()), None)
            if found is None and as_user.lstrip("@").lower() != ADMIN.handle:
                known = ", ".join("@" + p.handle for p in (ADMIN, *people))
                print(
                    f"groupbot shell: no one called {as_user} in this workspace; "
                    f"the people are {known}",
                    file=sys.stderr,
                )
                return 2
            user = found or ADMIN

        watch = Watch()
        app = make_app(settings.model_copy(update={"slack_api_url": emulator.base_url}), watch)
        chat = EmulatedChat(
            emulator,
            app,
            SIGNING_SECRET,
            people=(ADMIN, *people),
            channel=CHANNEL,
            files_dir=Path(tempfile.gettempdir()) / "groupbot-shell",
            watch=watch,
        )
        oncall = [p for p in people if p.handle in DEMO_USERGROUP_MEMBERS]
        chat.set_usergroup(ADMIN, DEMO_USERGROUP, oncall)
        interactive = stdin.isatty()
        lines = TerminalLines() if interactive else PipedLines(stdin, stdout)
        session = Session(
            chat,
            user,
            lines,
            stdout,
            admin=ADMIN,
            style=Style(
                ansi=interactive and stdout.isatty(), channels={CHANNEL.channel_id: CHANNEL.name}
            ),
            exports=settings.pbx_export_dir if settings.pbx_backend == "file" else None,
            jobs=jobs,
        )
        _banner(session, people, settings, loaded_demo=loaded_demo, interactive=interactive)
        on_call = ", ".join("@" + p.handle for p in oncall) or "nobody yet"
        session.say(f"The user group @{DEMO_USERGROUP} has {on_call} (/usergroup changes it).")
        return session.run()


def _banner(
    session: Session,
    people: Sequence[Person],
    settings: Settings,
    *,
    loaded_demo: bool,
    interactive: bool,
) -> None:
    members = " ".join("@" + p.handle for p in people)
    session.say(f"groupbot shell: #{CHANNEL.name} with {members}.")
    if settings.pbx_backend == "kazoo":
        account = settings.kazoo_account_id
        session.say("The PBX directory is Kazoo's (groupbot directory sync reads it again).")
        session.say(f"PBX documents are sent to Kazoo at {settings.kazoo_url}, account {account}.")
    else:
        if loaded_demo:
            session.say("Loaded the demo PBX directory (groupbot directory import replaces it).")
        where = shown_path(settings.pbx_export_dir)
        session.say(f"PBX documents are written to {where}/ (the local PBX backend).")
    session.say(f"You are {session.who(session.user)}.")
    if interactive:
        session.say("Type /group help for the bot, /help for the shell, /quit to leave.")
