"""``/group mirror``: a group's members follow a Slack user group (leads and admins).

The group takes the user group's members at once, then on each change Slack reports
(``bot.commands.mirror``) and every 15 minutes (the ``usergroup-mirror`` job).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import roles, views
from bot.commands.grammar.args import MENTION, PLAIN_MENTION, ArgError, Args
from bot.commands.grammar.commands import Command
from bot.commands.grammar.errors import shown
from bot.commands.mirror import SlackUserGroups
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.views import Message
from bot.commands.views.common import escape, escape_keeping_mentions, escape_name
from bot.errors import UserError
from bot.services import Actor, MirrorResult, UserGroupUnreadable
from bot.services.mirror import MAX_USERGROUP, too_big

# How Slack escapes a user group mentioned in a command: <!subteam^S0123|@oncall>
SUBTEAM = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>$")


@dataclass(frozen=True)
class Mirror(Command):
    subcommand: ClassVar[str] = "mirror"
    group: str
    handle: str  # without the @, as the command names it
    usergroup: str | None = None  # its id, when Slack escaped the mention


@dataclass(frozen=True)
class StopMirror(Command):
    subcommand: ClassVar[str] = "mirror"
    group: str


def _read(args: Args) -> Mirror | StopMirror:
    group = args.group()
    token = args.take("the Slack user group (or off)")
    args.done()
    if not token.quoted and token.text.lower() == "off":
        return StopMirror(group)
    if match := SUBTEAM.match(token.text):
        return Mirror(group, match[2] or match[1], match[1])
    if MENTION.match(token.text):
        raise ArgError(f"{token.text} is a person: mention a Slack user group, like @oncall")
    if match := PLAIN_MENTION.match(token.text):
        return Mirror(group, match[1])
    raise ArgError(f"'{shown(token.text)}' is not a Slack user group: mention one, like @oncall")


def _mirror(command: Mirror | StopMirror, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    if isinstance(command, StopMirror):
        before = services.mirror_of(who.team_id, command.group)
        services.set_mirror(who, command.group, None)
        name = escape(services.get_group(who.team_id, command.group).name)
        if before is None:
            return views.done_message(
                f"{name} does not follow a Slack user group: nothing to stop."
            )
        return views.done_message(
            f"{name} no longer follows <!subteam^{before}>; its members stay as they are."
        )
    # rights first: nothing of Slack's is read for someone who may not change the group
    roles.require_change(services, who, services.get_group(who.team_id, command.group), "mirror it")
    usergroup = command.usergroup or _by_handle(client, command.handle)
    source = SlackUserGroups(lambda _team: client, wired.users)
    try:
        people = source.members(who.team_id, usergroup)  # refused before anything is set
    except UserGroupUnreadable as error:
        raise UserError(f"groupbot cannot read @{command.handle}: {error}.") from None
    if len(people) > MAX_USERGROUP:
        raise UserError(too_big(len(people)))
    services.set_mirror(who, command.group, usergroup)
    try:
        result = services.follow_usergroup(
            who.team_id, command.group, by=who.user_id, source=source, members=people
        )
    except UserGroupUnreadable as error:
        raise UserError(
            f"{command.group} now follows @{command.handle}, but its members could not be "
            f"read yet ({error}); groupbot tries again within 15 minutes."
        ) from None
    name = services.get_group(who.team_id, command.group).name
    return _followed(result, name, f"<!subteam^{usergroup}|@{command.handle}>")


def _by_handle(client: WebClient, handle: str) -> str:
    """The id of the user group ``@handle`` (a mention Slack did not escape)."""
    try:
        groups = client.usergroups_list()["usergroups"]
    except SlackApiError as error:
        raise UserError(
            f"groupbot cannot look up @{handle}: Slack answered {error.response.get('error')}."
        ) from None
    for group in groups:
        if str(group.get("handle", "")).lower() == handle.lower():
            return str(group["id"])
    raise UserError(
        f"There is no Slack user group @{handle}: pick one from Slack's @-mention list."
    )


def _followed(result: MirrorResult, name: str, usergroup: str) -> Message:
    """``usergroup``: its mention (mrkdwn)."""
    headline = f"{escape_name(name)} now follows {usergroup}"
    changes = []
    if result.added:
        changes.append("added " + ", ".join(escape(n) for n in result.added))
    if result.removed:
        changes.append("removed " + ", ".join(escape(n) for n in result.removed))
    if changes:
        headline += ": " + "; ".join(changes) + "."
    elif result.saved is None:
        headline += "; its members already are the user group's."
    else:
        headline += "."
    if result.lead_note:
        # plain text with mentions: the group's name in it is as typed, never markup
        headline += "\n⚠ " + escape_keeping_mentions(result.lead_note)
    if result.untold and result.told_nobody:
        headline += (
            "\nNo other lead could be told this by direct message "
            f"({escape_keeping_mentions(result.untold)}); groupbot tells them on the user "
            "group's next change, or within 15 minutes."
        )
    elif result.untold:
        headline += (
            "\nSome leads could not be told this by direct message "
            f"({escape_keeping_mentions(result.untold)}); the others were."
        )
    if result.saved is not None:
        return views.saved_message(result.saved, headline)
    return views.done_message(headline)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "mirror",
            "mirror <group> @usergroup|off",
            "lead: the group's members follow a Slack user group (off: stop)",
            ("mirror sales @oncall", "mirror sales off"),
            details=(
                "The group takes the user group's members now and whenever they change in "
                "Slack (checked every 15 minutes too): newcomers ring with the group's usual "
                "window, those who left are removed. Who has no PBX user, or would make more "
                "than 15 members, is left out and the leads are told once."
            ),
        ),
        _read,
        {Mirror: Replies(_mirror), StopMirror: Replies(_mirror)},
    ),
)
