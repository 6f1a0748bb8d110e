"""groupbot and the PBX: ``/group callflow`` (what it holds for a group), ``sync``
(push what is pending), ``drift`` (compare) and ``adopt`` (take over a group made there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import drift, views
from bot.commands.grammar.args import ArgError, Args
from bot.commands.grammar.commands import Command
from bot.commands.grammar.errors import shown
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only, no_args
from bot.commands.views import Message
from bot.commands.views.common import escape
from bot.errors import Forbidden
from bot.services import Actor
from bot.services.outbox import describe_pending, describe_push


@dataclass(frozen=True)
class ShowCallflow(Command):
    subcommand: ClassVar[str] = "callflow"
    group: str


@dataclass(frozen=True)
class Sync(Command):
    subcommand: ClassVar[str] = "sync"
    dry_run: bool = False


@dataclass(frozen=True)
class Drift(Command):
    subcommand: ClassVar[str] = "drift"


@dataclass(frozen=True)
class Adopt(Command):
    """Take over a ring group made on the PBX, by its name there."""

    subcommand: ClassVar[str] = "adopt"
    name: str


DRY_RUN = {"--dry-run", "—dry-run", "–dry-run", "-n", "dry-run"}  # Slack may turn -- into a dash


def _read_sync(args: Args) -> Sync:
    if not args:
        return Sync()
    token = args.take("")
    if token.text.lower() not in DRY_RUN:
        raise ArgError(f"unexpected '{shown(token.text)}'")
    args.done()
    return Sync(dry_run=True)


def _read_adopt(args: Args) -> Adopt:
    return Adopt(args.rest("the name of the group on the PBX"))


def _callflow(command: ShowCallflow, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    shown_ = services.get_group(who.team_id, command.group)
    documents = services.compiled(who.team_id, command.group)
    return views.callflow_message(shown_.group.name, documents, shown_.pbx)


def _sync(command: Sync, who: Actor, wired: Deps, client: WebClient) -> Message:
    """Admins only: push what is pending now, or (``--dry-run``) list it."""
    if not who.is_admin:
        raise Forbidden("Only workspace admins can push pending changes to the PBX.")
    services = wired.services
    if command.dry_run:
        lines = describe_pending(services.pending_documents(who.team_id))
    else:
        lines = describe_push(services.push_pending(who.team_id))
    return views.done_message(escape("\n".join(lines)))


def _drift(command: Drift, who: Actor, wired: Deps, client: WebClient) -> Message:
    return drift.report(who, wired.services)


def _adopt(command: Adopt, who: Actor, wired: Deps, client: WebClient) -> Message:
    return drift.adopt(who, wired.services, command.name)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "callflow",
            "callflow <group>",
            "the compiled Kazoo documents as JSON",
            ("callflow sales",),
        ),
        group_only(ShowCallflow),
        {ShowCallflow: Replies(_callflow)},
    ),
    Subcommand(
        Spec(
            "sync",
            "sync [--dry-run]",
            "pushes pending changes to the PBX",
            ("sync", "sync --dry-run"),
        ),
        _read_sync,
        {Sync: Replies(_sync)},
    ),
    Subcommand(
        Spec(
            "drift",
            "drift",
            "compares the PBX with groupbot, group by group; admins get buttons to push ours "
            "or take the PBX's, and to adopt groups made on the PBX",
            ("drift",),
        ),
        no_args(Drift()),
        {Drift: Replies(_drift)},
    ),
    Subcommand(
        Spec(
            "adopt",
            "adopt <name>",
            "admin: takes over a ring group made on the PBX (SmartPBX)",
            ("adopt Front desk",),
        ),
        _read_adopt,
        {Adopt: Replies(_adopt)},
    ),
)
