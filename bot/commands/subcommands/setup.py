"""``/group setup``: the workspace Settings form (admins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from slack_sdk import WebClient

from bot.commands import roles, views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Opens, Spec, Subcommand
from bot.commands.subcommands.readers import no_args
from bot.commands.views import ModalMeta
from bot.services import Actor


@dataclass(frozen=True)
class OpenSetupModal(Command):
    subcommand: ClassVar[str] = "setup"


def _form(
    command: OpenSetupModal, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    roles.require_admin(who, "change the workspace setup")
    meta = ModalMeta(opener=who.user_id, channel_id=channel_id)
    return views.setup_modal(meta, wired.services.workspace(who.team_id))


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "setup",
            "setup",
            "admin: opens the workspace Settings form (PBX account, storage limit, alerts)",
            ("setup",),
        ),
        no_args(OpenSetupModal()),
        {OpenSetupModal: Opens("Workspace setup", _form)},
    ),
)
