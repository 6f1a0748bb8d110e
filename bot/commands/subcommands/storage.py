"""``/group storage``: the recording-storage report now, its chart by direct message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import storage, views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Posts, Spec, Subcommand
from bot.commands.subcommands.readers import no_args
from bot.services import Actor


@dataclass(frozen=True)
class Storage(Command):
    subcommand: ClassVar[str] = "storage"


def _post(command: Storage, who: Actor, wired: Deps, client: WebClient, respond: Respond) -> None:
    report = wired.services.storage_report(who.team_id)
    respond(**views.storage_report_message(report, on_demand=True), response_type="ephemeral")
    storage.send_chart(client, who.user_id, report)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "storage",
            "storage",
            "the call-recording storage report now: used and limit, the groups using the most, "
            "growth, when the limit is reached; the chart by direct message",
            ("storage",),
        ),
        no_args(Storage()),
        {Storage: Posts(_post)},
    ),
)
