"""``/group create``: alone, the Create form; with a name, extension and people, at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from slack_sdk import WebClient

from bot.commands import people, roles, views
from bot.commands.grammar.args import ArgError, Args, to_user
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.grammar.errors import shown
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Opens, Replies, Spec, Subcommand
from bot.commands.views import Message, ModalMeta
from bot.commands.views.common import escape_name
from bot.engine.model import NEW_MEMBER_WINDOW
from bot.engine.validation import parse_group
from bot.services import Actor


@dataclass(frozen=True)
class OpenCreateModal(Command):
    subcommand: ClassVar[str] = "create"


@dataclass(frozen=True)
class QuickCreate(Command):
    subcommand: ClassVar[str] = "create"
    name: str
    extension: str
    users: tuple[UserRef, ...]


def _read(args: Args) -> Command:
    if not args:
        return OpenCreateModal()
    # Everything before the first all-digit word is the name, so quotes are optional.
    name_parts: list[str] = []
    while (token := args.peek()) is not None and not (
        token.text.isdigit() and not token.quoted and name_parts
    ):
        if to_user(token) is not None:
            break
        name_parts.append(args.take("the name").text)
    if not name_parts:
        raise ArgError("the name is missing")
    following = args.peek()
    if following is None or to_user(following) is not None:
        # No all-digit word before the people: the name's last word may be the extension
        # typed wrong (``create Bad 2a1 @alice``); name that word, not the mention after it.
        guess = name_parts[-1]
        if len(name_parts) > 1 and any(char.isdigit() for char in guess):
            raise ArgError(f"the extension must be digits, like 201, not '{shown(guess)}'")
        raise ArgError("the extension is missing: give it after the name, as digits like 201")
    extension = args.take("the extension").text
    return QuickCreate(" ".join(name_parts), extension, args.users())


def _create(command: QuickCreate, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    ids = people.pbx_users_named(services, wired.users, client, who.team_id, command.users)
    start, end = NEW_MEMBER_WINDOW
    members = [{"user_id": u, "start": start, "end": end} for u in ids]
    new = parse_group({"name": command.name, "extension": command.extension, "members": members})
    created = services.create_group(who, new)
    return views.saved_message(created, f"Created {escape_name(created.view.group.name)}.")


def _form(
    command: OpenCreateModal, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    roles.require_admin(who, "create a group")
    return views.create_modal(ModalMeta(opener=who.user_id, channel_id=channel_id))


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "create",
            "create [<name> <ext> @user …]",
            "create a group: alone, opens the Create form; with arguments, creates it at once",
            ("create Sales 201 @dana @erin", "create", 'create "Front desk" 202 @carol'),
            "The extension is 3 digits. New members ring together for 20 s;"
            " adjust with ring or distribute.",
        ),
        _read,
        {OpenCreateModal: Opens("Create a ring group", _form), QuickCreate: Replies(_create)},
    ),
)
