"""``/group``: acknowledge, parse, call a service, render.

``acknowledge`` answers Slack at once (a usage error is the answer itself; a subcommand
with a form opens its Loading modal first, while the trigger_id is fresh); ``group``
then works, after the acknowledgement, and replies through ``response_url`` or fills the
modal in (``views.update``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import drafts, drift, edits, parser, people, roles, simulation, storage, views
from bot.commands.grammar import commands as c
from bot.commands.help import help_text
from bot.commands.roles import Deps
from bot.commands.views import Message, ModalMeta
from bot.commands.views.common import escape
from bot.commands.views.redact import hide_secrets
from bot.engine.model import NEW_MEMBER_WINDOW, Group, NextActionKind, RingbackKind
from bot.engine.validation import parse_group
from bot.errors import Forbidden, UserError
from bot.services import Actor
from bot.services.outbox import describe_pending, describe_push


def acknowledge(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Bolt's acknowledgement of ``/group …``, before any slow work.

    A malformed line is answered right here (``app.error`` puts the usage line in the
    acknowledgement); a subcommand with a form opens its Loading modal now, while the
    trigger_id is fresh. Everything else happens in ``group``, after Slack has its answer.
    """
    command = parser.parse(str(body.get("text") or ""))
    context[PARSED] = command  # for ``group``: the line is parsed once
    if isinstance(command, MODAL_COMMANDS):
        open_loading(command, body, client, context)
    ack()


PARSED = "groupbot_command"  # context key: the command ``acknowledge`` parsed


def group(body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    """``/group …`` (every subcommand), after the acknowledgement."""
    command: c.Parsed = context[PARSED]
    if isinstance(command, MODAL_COMMANDS):
        fill_modal(command, body, client, context)
        return
    who = roles.actor(context, client, body)
    wired = roles.deps(context)
    if isinstance(command, c.Simulate):
        message, picture = simulation.simulation(command, who, wired, client)
        respond(**message, response_type="ephemeral")
        simulation.send_picture(client, who.user_id, picture, command.group)
        return
    if isinstance(command, c.Storage):
        report = wired.services.storage_report(who.team_id)
        respond(**views.storage_report_message(report, on_demand=True), response_type="ephemeral")
        storage.send_chart(client, who.user_id, report)
        return
    respond(**run(command, who, wired, client), response_type="ephemeral")


def run(command: c.Parsed, who: Actor, wired: Deps, client: WebClient) -> Message:
    """What a subcommand that neither opens a modal nor posts a picture replies."""
    message = _answer(command, who, wired, client)
    return message if who.is_admin else hide_secrets(message)  # only admins may rotate it


def _answer(command: c.Parsed, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    team = who.team_id
    match command:
        case c.Help(topic=topic):
            return views.help_message(help_text(topic))
        case c.ListGroups():
            return views.list_message(services.group_summaries(team))
        case c.Show(group=ref):
            shown = services.get_group(team, ref)
            # the directory (the whole account) only when a feature names something in it
            needed = _names_targets(shown.group)
            return views.show_message(
                shown,
                directory=services.directory(team) if needed else None,
                can_change=services.can_change(who, shown),
            )
        case c.QuickCreate(name=name, extension=extension, users=users):
            ids = people.pbx_users_named(services, wired.users, client, team, users)
            start, end = NEW_MEMBER_WINDOW
            members = [{"user_id": u, "start": start, "end": end} for u in ids]
            new = parse_group({"name": name, "extension": extension, "members": members})
            created = services.create_group(who, new)
            return views.saved_message(created, f"Created {escape(created.view.group.name)}.")
        case c.Delete(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "delete it")
            return views.delete_prompt(shown)
        case c.History(group=ref):
            shown = services.get_group(team, ref)
            return views.history_message(shown.group.name, services.history(team, ref))
        case c.Undo(group=ref):
            result = services.undo(who, ref)
            name = escape(result.view.group.name)
            undone = escape(result.summary.removeprefix("Undid: "))
            return views.saved_message(
                result,
                f"Undid a change to {name}: {undone}.",
                unchanged=f"Nothing to undo: {name} is already as it was before its last change.",
            )
        case c.ShowCallflow(group=ref):
            shown = services.get_group(team, ref)
            return views.callflow_message(shown.group.name, services.compiled(team, ref), shown.pbx)
        case c.Sync(dry_run=dry_run):
            return _sync(wired, who, dry_run=dry_run)
        case c.Drift():
            return drift.report(who, services)
        case c.Adopt(name=name):
            return drift.adopt(who, services, name)
        case c.AddLeads(group=ref, users=users) | c.RemoveLeads(group=ref, users=users):
            shown = services.get_group(team, ref)
            named = {people.slack_id(u) for u in users}
            adding = isinstance(command, c.AddLeads)
            leads = shown.leads | named if adding else shown.leads - named
            done = services.set_leads(who, ref, frozenset(leads))
            return views.done_message(
                f"Leads of {escape(done.group.name)}: " + people.mentions(sorted(done.leads))
            )
        case _:
            return edits.apply(edits.edit_for(command, who, wired, client), who, wired)


def _names_targets(group: Group) -> bool:
    features = group.features
    return (
        features.next_action.kind is not NextActionKind.NONE
        or features.ringback.kind is RingbackKind.MEDIA
    )


def channel_of(body: dict[str, Any]) -> str | None:
    """Where a command or button came from (messages only; None from modals and Home)."""
    if body.get("channel_id"):
        return str(body["channel_id"])
    channel = body.get("channel")
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    return None


# ---------------------------------------------------------------- modals


MODAL_COMMANDS = (
    c.OpenCreateModal,
    c.Edit,
    c.OpenMembersModal,
    c.OpenFeaturesModal,
    c.OpenSetupModal,
)

TITLES = {
    c.OpenCreateModal: "Create a ring group",
    c.Edit: "Edit group",
    c.OpenMembersModal: "Members",
    c.OpenFeaturesModal: "Features",
    c.OpenSetupModal: "Workspace setup",
}


OPENED = "groupbot_opened_view"  # context key: the Loading view, from ack to the work


def open_loading(
    command: c.Parsed, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Open the Loading modal on the fresh trigger_id: no users.info, no database first."""
    title = TITLES.get(type(command), "groupbot")
    opened = client.views_open(trigger_id=body["trigger_id"], view=views.loading_modal(title=title))
    context[OPENED] = {"id": opened["view"]["id"], "hash": opened["view"]["hash"]}


def fill_modal(
    command: c.Parsed, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Replace the Loading view with the form (or with why there is none)."""
    loading = context[OPENED]
    try:
        who = roles.actor(context, client, body)
        filled = modal_for(command, who, roles.deps(context), client, channel_of(body))
    except UserError as error:
        # e.g. not an admin, not a lead of the group, no such group: a refusal, marked so
        filled = views.refusal_modal(error.message, title=TITLES.get(type(command), "groupbot"))
    client.views_update(view_id=loading["id"], hash=loading["hash"], view=filled)


def modal_for(
    command: c.Parsed, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    services = wired.services
    team = who.team_id
    match command:
        case c.OpenCreateModal():
            roles.require_admin(who, "create a group")
            return views.create_modal(ModalMeta(opener=who.user_id, channel_id=channel_id))
        case c.OpenSetupModal():
            roles.require_admin(who, "change the workspace setup")
            meta = ModalMeta(opener=who.user_id, channel_id=channel_id)
            return views.setup_modal(meta, services.workspace(team))
        case c.Edit(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "edit it")
            return views.settings_modal(
                ModalMeta.for_group(shown, who.user_id, channel_id), shown.group
            )
        case c.OpenMembersModal(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "change its members")
            directory = services.directory(team)
            slack_ids = people.slack_ids(wired.users, client, team, shown.group, directory)
            rows = views.member_rows(shown, slack_ids)
            meta = ModalMeta.for_group(shown, who.user_id, channel_id)
            return drafts.members_form(wired, client, team, shown, meta, rows, directory=directory)
        case c.OpenFeaturesModal(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "change its features")
            meta = ModalMeta.for_group(shown, who.user_id, channel_id)
            return views.features_modal(meta, services.directory(team), shown.group.features)
    raise UserError(f"/group {command.subcommand} has no form.")


def _sync(wired: Deps, who: Actor, *, dry_run: bool) -> Message:
    """``/group sync [--dry-run]`` (admins): push what is pending now, or list it."""
    if not who.is_admin:
        raise Forbidden("Only workspace admins can push pending changes to the PBX.")
    services = wired.services
    if dry_run:
        lines = describe_pending(services.pending_documents(who.team_id))
    else:
        lines = describe_push(services.push_pending(who.team_id))
    return views.done_message(escape("\n".join(lines)))
