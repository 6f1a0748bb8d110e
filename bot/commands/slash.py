"""``/group``: acknowledge, parse, call a service, render.

``acknowledge`` answers Slack at once (a usage error is the answer itself; a subcommand
with a form opens its Loading modal first, while the trigger_id is fresh); ``group``
then works, after the acknowledgement, and replies through ``response_url`` or fills the
modal in (``views.update``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import parser as p
from bot.commands import people, roles, views
from bot.commands.roles import Deps
from bot.commands.views import Message, ModalMeta
from bot.engine import simulator as sim
from bot.engine import timeline_chart, timeline_text
from bot.engine.directory import Directory
from bot.engine.model import (
    DEFAULT_WINDOW,
    NEW_MEMBER_WINDOW,
    Group,
    Member,
    NextActionKind,
    RingbackKind,
    distributed,
)
from bot.engine.validation import parse_group
from bot.errors import NotAvailableYet, UserError
from bot.services import Actor

log = logging.getLogger(__name__)

Change = Callable[[Group, Directory], Group]


def acknowledge(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Bolt's acknowledgement of ``/group …``, before any slow work.

    A malformed line is answered right here (``app.error`` puts the usage line in the
    acknowledgement); a subcommand with a form opens its Loading modal now, while the
    trigger_id is fresh. Everything else happens in ``group``, after Slack has its answer.
    """
    command = p.parse(str(body.get("text") or ""))
    if isinstance(command, MODAL_COMMANDS):
        open_loading(command, body, client, context)
    ack()


def group(body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    """``/group …`` (every subcommand), after the acknowledgement."""
    command = p.parse(str(body.get("text") or ""))
    if isinstance(command, MODAL_COMMANDS):
        fill_modal(command, body, client, context)
        return
    who = roles.actor(context, client, body)
    wired = roles.deps(context)
    if isinstance(command, p.Simulate):
        message, picture = simulation(command, who, wired, client)
        respond(**message, response_type="ephemeral")
        upload_picture(client, channel_of(body) or who.user_id, picture, command.group)
        return
    respond(**run(command, who, wired, client), response_type="ephemeral")


def run(command: p.Parsed, who: Actor, wired: Deps, client: WebClient) -> Message:
    """What a subcommand that neither opens a modal nor uploads a file replies."""
    services = wired.services
    team = who.team_id
    match command:
        case p.Help(topic=topic):
            return views.help_message(p.help_text(topic))
        case p.ListGroups():
            return views.list_message(services.list_groups(team))
        case p.Show(group=ref):
            shown = services.get_group(team, ref)
            # the directory (the whole account) only when a feature names something in it
            needed = _names_targets(shown.group)
            return views.show_message(
                shown,
                directory=services.directory(team) if needed else None,
                can_change=services.can_change(who, shown),
            )
        case p.QuickCreate(name=name, extension=extension, users=users):
            ids = _pbx_users(wired, client, team, users)
            start, end = NEW_MEMBER_WINDOW
            members = [{"user_id": u, "start": start, "end": end} for u in ids]
            new = parse_group({"name": name, "extension": extension, "members": members})
            return views.saved_message(services.create_group(who, new), f"Created {new.name}.")
        case p.Delete(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "delete it")
            return views.delete_prompt(shown)
        case p.History(group=ref):
            shown = services.get_group(team, ref)
            return views.history_message(shown.group.name, services.history(team, ref))
        case p.Undo(group=ref):
            result = services.undo(who, ref)
            return views.saved_message(
                result, f"Undid the last change to {result.view.group.name}."
            )
        case p.ShowCallflow(group=ref):
            shown = services.get_group(team, ref)
            return views.callflow_message(shown.group.name, services.compiled(team, ref), shown.pbx)
        case p.Sync() | p.Drift() | p.Storage():
            raise NotAvailableYet(
                f"/group {command.subcommand} is not available yet in this version of groupbot."
            )
        case p.AddLeads(group=ref, users=users) | p.RemoveLeads(group=ref, users=users):
            shown = services.get_group(team, ref)
            named = {_slack_id(u) for u in users}
            adding = isinstance(command, p.AddLeads)
            leads = shown.leads | named if adding else shown.leads - named
            done = services.set_leads(who, ref, frozenset(leads))
            return views.done_message(
                f"Leads of {done.group.name}: " + _mentions(sorted(done.leads))
            )
        case _:
            ref, change, summary = edit_for(command, who, wired, client)
            result = services.change_group(who, ref, change, summary=summary)
            return views.saved_message(result, f"{result.view.group.name}: {summary}.")


def _names_targets(group: Group) -> bool:
    features = group.features
    return (
        features.next_action.kind is not NextActionKind.NONE
        or features.ringback.kind is RingbackKind.MEDIA
    )


# ---------------------------------------------------------------- edits from the command line


def edit_for(
    command: p.Parsed, who: Actor, wired: Deps, client: WebClient
) -> tuple[str, Change, str]:
    """(group reference, the pure change, a one-line summary for the history)."""
    team = who.team_id
    match command:
        case p.Rename(group=ref, new_name=new_name):
            return ref, lambda g, d: _with(g, name=new_name), f"renamed to {new_name}"
        case p.SetRepeats(group=ref, repeats=repeats):
            return ref, lambda g, d: _with(g, repeats=repeats), f"dialing repeats set to {repeats}"
        case p.AddNumber(group=ref, number=number):
            return ref, lambda g, d: _add_number(g, number), f"added {number}"
        case p.RemoveNumber(group=ref, number=number):
            return ref, lambda g, d: _remove_number(g, number), f"removed {number}"
        case p.AddMembers(group=ref, users=users):
            ids = _pbx_users(wired, client, team, users)
            return ref, lambda g, d: _add_members(g, ids, d), "added " + _mentions(users)
        case p.RemoveMembers(group=ref, users=users):
            ids = _pbx_users(wired, client, team, users)
            return ref, lambda g, d: _remove_members(g, ids, d), "removed " + _mentions(users)
        case p.Ring(group=ref, user=user, start=start, end=end):
            (uid,) = _pbx_users(wired, client, team, (user,))
            summary = f"{_mention(user)} rings {start}–{end} s"
            return ref, lambda g, d: _ring(g, uid, start, end, d), summary
        case p.Distribute(group=ref, seconds=seconds):
            window = seconds or DEFAULT_WINDOW
            return ref, lambda g, d: _distribute(g, window), f"distributed over {window} s"
        case p.SetRecording() as rec:
            return rec.group, lambda g, d: _recording(g, rec), _recording_summary(rec)
        case p.SetRingback(group=ref, kind=kind, media=media):
            return ref, lambda g, d: _ringback(g, d, kind, media), f"ringback {media or kind.value}"
        case p.SetNextAction(group=ref) as nxt:
            user_id = _pbx_users(wired, client, team, (nxt.user,))[0] if nxt.user else None
            summary = f"next action {nxt.kind.value} {nxt.target or _mention(nxt.user)}".strip()
            return ref, lambda g, d: _next_action(g, d, nxt, user_id), summary
        case p.SetForward(group=ref, allow=allow):
            word = "allowed" if allow else "denied"
            return ref, lambda g, d: _features(g, allow_call_forward=allow), f"call-forward {word}"
        case p.SetPrepend() as pre:
            return pre.group, lambda g, d: _prepend(g, pre), _prepend_summary(pre)
    raise UserError(f"/group {command.subcommand} cannot be run here.")


def _with(group: Group, **update: Any) -> Group:
    """``group`` with ``update`` applied and every rule checked again (model_copy checks none)."""
    return parse_group({**group.model_dump(), **update})


def _features(group: Group, **update: Any) -> Group:
    return _with(group, features={**group.features.model_dump(), **update})


def _add_number(group: Group, number: str) -> Group:
    if number in group.all_numbers:
        raise UserError(f"{group.name} already answers {number}.")
    if number.startswith("+") or len(number) > 6:
        return _with(group, numbers=(*group.numbers, number))
    return _with(group, extra_extensions=(*group.extra_extensions, number))


def _remove_number(group: Group, number: str) -> Group:
    if number == group.extension:
        raise UserError(
            f"{number} is the primary extension of {group.name}; give it another with "
            f"/group edit {group.name} first."
        )
    if number not in group.all_numbers:
        raise UserError(f"{group.name} does not answer {number}.")
    return _with(
        group,
        extra_extensions=tuple(n for n in group.extra_extensions if n != number),
        numbers=tuple(n for n in group.numbers if n != number),
    )


def _name(directory: Directory, user_id: str) -> str:
    user = directory.users.get(user_id)
    return user.name if user else user_id


def _add_members(group: Group, user_ids: Sequence[str], directory: Directory) -> Group:
    already = [u for u in user_ids if group.member(u)]
    if already:
        names = ", ".join(_name(directory, u) for u in already)
        raise UserError(f"Already in {group.name}: {names}.")
    start, end = NEW_MEMBER_WINDOW
    added = tuple(Member(user_id=u, start=start, end=end) for u in dict.fromkeys(user_ids))
    return _with(group, members=(*group.members, *added))


def _remove_members(group: Group, user_ids: Sequence[str], directory: Directory) -> Group:
    absent = [u for u in user_ids if not group.member(u)]
    if absent:
        names = ", ".join(_name(directory, u) for u in absent)
        raise UserError(f"Not in {group.name}: {names}.")
    kept = tuple(m for m in group.members if m.user_id not in set(user_ids))
    if not kept:
        raise UserError(
            f"That would leave {group.name} with no members; "
            f"to remove them all, /group delete {group.name}."
        )
    return _with(group, members=kept)


def _ring(group: Group, user_id: str, start: int, end: int, directory: Directory) -> Group:
    if not group.member(user_id):
        raise UserError(f"{_name(directory, user_id)} is not in {group.name}; add them first.")
    members = tuple(
        {"user_id": m.user_id, "start": start, "end": end} if m.user_id == user_id else m
        for m in group.members
    )
    return _with(group, members=members)


def _distribute(group: Group, window: int) -> Group:
    try:
        return distributed(group, window)
    except ValueError as error:
        raise UserError(str(error)) from None


def _recording(group: Group, command: p.SetRecording) -> Group:
    current = group.features.call_recording
    recording = {
        "enabled": command.enabled,
        "format": command.format or current.format,
        "time_limit": command.time_limit or current.time_limit,
        "url": command.url if command.url is not None else current.url,
    }
    return _features(group, call_recording=recording)


def _recording_summary(command: p.SetRecording) -> str:
    if not command.enabled:
        return "call recording off"
    extras = [
        str(x) for x in (command.format, command.time_limit and f"{command.time_limit} s") if x
    ]
    return " ".join(["call recording on", *extras])


def _by_name(choices: dict[str, str], name: str, what: str) -> str:
    """The id whose name is ``name`` (any case), or an error listing the choices."""
    for ident, label in choices.items():
        if label.casefold() == name.casefold() or ident == name:
            return ident
    known = ", ".join(sorted(choices.values())[:10]) or "none"
    raise UserError(f"No {what} named '{name}'. The account has: {known}.")


def _ringback(group: Group, directory: Directory, kind: RingbackKind, media: str | None) -> Group:
    media_id = _by_name(dict(directory.media), media or "", "media file") if media else None
    ringback = {"kind": kind, "media_id": media_id if kind is RingbackKind.MEDIA else None}
    return _features(group, ringback=ringback)


def _next_action(
    group: Group, directory: Directory, command: p.SetNextAction, user_id: str | None
) -> Group:
    target: str | None = None
    name = command.target or ""
    match command.kind:
        case NextActionKind.USER:
            target = user_id
        case NextActionKind.VOICEMAIL:
            target = _by_name(dict(directory.vmboxes), name, "voicemail box")
        case NextActionKind.DEVICE:
            target = _by_name(dict(directory.devices), name, "device")
        case NextActionKind.MENU:
            target = _by_name({k: m.name for k, m in directory.menus.items()}, name, "menu")
        case NextActionKind.GROUP:
            groups = {k: g.name for k, g in directory.groups.items()}
            for key, other in directory.groups.items():
                if name in other.numbers:
                    groups[key] = name
            target = _by_name(groups, name, "group")
    return _features(group, next_action={"kind": command.kind, "target_id": target})


def _prepend(group: Group, command: p.SetPrepend) -> Group:
    current = group.features.caller_id_prepend
    if not command.enabled:
        return _features(group, caller_id_prepend={**current.model_dump(), "enabled": False})
    return _features(
        group,
        caller_id_prepend={
            "enabled": True,
            "name_prefix": command.name_prefix
            if command.name_prefix is not None
            else current.name_prefix,
            "number_prefix": command.number_prefix
            if command.number_prefix is not None
            else current.number_prefix,
        },
    )


def _prepend_summary(command: p.SetPrepend) -> str:
    if not command.enabled:
        return "caller ID prepend off"
    parts = [
        f"name={command.name_prefix}" if command.name_prefix else "",
        f"number={command.number_prefix}" if command.number_prefix else "",
    ]
    return "caller ID prepend " + " ".join(x for x in parts if x)


# ---------------------------------------------------------------- people in commands


def _slack_id(user: p.UserRef) -> str:
    if not user.user_id:
        raise UserError(
            f"I can't tell who {user.display} is: pick them from Slack's @-mention list "
            "so the command carries their user id."
        )
    return user.user_id


def _pbx_users(wired: Deps, client: WebClient, team: str, users: Sequence[p.UserRef]) -> list[str]:
    slack_ids = [_slack_id(u) for u in users]
    return people.pbx_users(wired.services, wired.users, client, team, slack_ids)


def _mention(user: p.UserRef | None) -> str:
    if user is None:
        return ""
    return f"<@{user.user_id}>" if user.user_id else user.display


def _mentions(users: Sequence[p.UserRef] | Sequence[str]) -> str:
    return ", ".join(f"<@{u}>" if isinstance(u, str) else _mention(u) for u in users) or "nobody"


# ---------------------------------------------------------------- simulate


def simulation(
    command: p.Simulate, who: Actor, wired: Deps, client: WebClient
) -> tuple[Message, bytes]:
    """The simulated call as a message (text timeline) and as a PNG."""
    services = wired.services
    team = who.team_id
    shown = services.get_group(team, command.group)
    documents = services.compiled(team, command.group)
    directory = services.directory(team)
    busy = _pbx_users(wired, client, team, command.busy) if command.busy else []
    answers: tuple[sim.Answer, ...] = ()
    if command.answer is not None:
        (answerer,) = _pbx_users(wired, client, team, (command.answer.user,))
        answers = (sim.Answer(who=answerer, at=command.answer.at),)
    callflows = {
        shown.pbx.base_callflow_id: documents.base_callflow,
        shown.pbx.user_callflow_id: documents.user_callflow,
    }
    trace = sim.simulate(
        documents.user_callflow,
        callflows,
        _endpoints(directory),
        sim.Scenario(busy=frozenset(busy), answers=answers),
    )
    message = views.simulate_message(
        shown.group.name,
        timeline_text.render_text(trace),
        outcome=timeline_text.render_outcome(trace.outcome),
    )
    return message, timeline_chart.render_png(trace)


def _endpoints(directory: Directory) -> sim.EndpointDirectory:
    """The directory as the simulator sees it: each user answers on one phone."""
    users = [
        sim.DirectoryUser(
            id=user_id, name=user.name, devices=(sim.DirectoryDevice(f"{user_id}:phone", "phone"),)
        )
        for user_id, user in directory.users.items()
    ]
    devices = [
        sim.DirectoryDevice(device_id, name) for device_id, name in directory.devices.items()
    ]
    labels = {**directory.vmboxes, **directory.media, **directory.devices}
    labels.update({k: m.name for k, m in directory.menus.items()})
    labels.update({k: g.name for k, g in directory.groups.items()})
    return sim.EndpointDirectory.of(users, devices, labels=labels)


def upload_picture(client: WebClient, channel: str, picture: bytes, name: str) -> None:
    """The timeline picture, as a file in ``channel`` (files_upload_v2)."""
    try:
        client.files_upload_v2(
            channel=channel,
            content=picture,
            filename=f"simulation-{name}.png".replace(" ", "-"),
            title=f"Simulated call to {name}",
        )
    except SlackApiError as error:
        # e.g. channel_not_found when the bot is not in the channel: the text is enough
        log.warning("simulation picture not uploaded: %s", error.response.get("error"))


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
    p.OpenCreateModal,
    p.Edit,
    p.OpenMembersModal,
    p.OpenFeaturesModal,
    p.OpenSetupModal,
)

TITLES = {
    p.OpenCreateModal: "Create a ring group",
    p.Edit: "Edit group",
    p.OpenMembersModal: "Members",
    p.OpenFeaturesModal: "Features",
    p.OpenSetupModal: "Workspace setup",
}


OPENED = "groupbot_opened_view"  # context key: the Loading view, from ack to the work


def open_loading(
    command: p.Parsed, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Open the Loading modal on the fresh trigger_id: no users.info, no database first."""
    title = TITLES.get(type(command), "groupbot")
    opened = client.views_open(trigger_id=body["trigger_id"], view=views.loading_modal(title=title))
    context[OPENED] = {"id": opened["view"]["id"], "hash": opened["view"]["hash"]}


def fill_modal(
    command: p.Parsed, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Replace the Loading view with the form (or with why there is none)."""
    loading = context[OPENED]
    try:
        who = roles.actor(context, client, body)
        filled = modal_for(command, who, roles.deps(context), client, channel_of(body))
    except UserError as error:
        filled = views.notice_modal(error.message, title=TITLES.get(type(command), "groupbot"))
    client.views_update(view_id=loading["id"], hash=loading["hash"], view=filled)


def modal_for(
    command: p.Parsed, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    services = wired.services
    team = who.team_id
    match command:
        case p.OpenCreateModal():
            roles.require_admin(who, "create a group")
            return views.create_modal(ModalMeta(opener=who.user_id, channel_id=channel_id))
        case p.OpenSetupModal():
            roles.require_admin(who, "change the workspace setup")
            meta = ModalMeta(opener=who.user_id, channel_id=channel_id)
            return views.setup_modal(meta, services.workspace(team))
        case p.Edit(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "edit it")
            return views.settings_modal(
                ModalMeta.for_group(shown, who.user_id, channel_id), shown.group
            )
        case p.OpenMembersModal(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "change its members")
            directory = services.directory(team)
            slack_ids = people.slack_ids(wired.users, client, team, shown.group, directory)
            rows = views.member_rows(shown, slack_ids)
            meta = ModalMeta.for_group(shown, who.user_id, channel_id)
            return views.members_modal(meta, rows, names=shown.member_names)
        case p.OpenFeaturesModal(group=ref):
            shown = services.get_group(team, ref)
            roles.require_change(services, who, shown, "change its features")
            meta = ModalMeta.for_group(shown, who.user_id, channel_id)
            return views.features_modal(meta, services.directory(team), shown.group.features)
    raise UserError(f"/group {command.subcommand} has no form.")
