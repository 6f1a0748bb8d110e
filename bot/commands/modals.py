"""Modal submissions: re-authorize, read the form, validate through the engine, save.

Each submission handler is Bolt's acknowledgement itself, and nothing is acknowledged
until the save is done, because a rejection must come back in the acknowledgement
(``response_action: errors``) to appear under its input. Every rejection is raised
(``FieldErrors`` from the engine or the services, ``Conflict`` when someone saved first,
``Forbidden``) and placed by ``errors.make_error_handler``: the modal stays open with
what the user typed. Saying what was saved comes after the ack (``notify``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.commands import people, recording_target, roles, views
from bot.commands.tell import tell
from bot.commands.views import Message, ModalMeta
from bot.commands.views.common import escape_name
from bot.engine.directory import Directory
from bot.engine.edits import edit, updated
from bot.engine.model import Group
from bot.engine.validation import parse_group
from bot.errors import FieldErrors, Forbidden
from bot.services import Actor, GroupChange, SaveResult, Services, WorkspaceSettings


def create(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    wired = roles.deps(context)
    form = views.read_create(state)
    pbx_ids = _members_or_errors(wired, client, who, form.slack_users, form.group_data)
    group = parse_group(form.group_data(pbx_ids))
    result = wired.services.create_group(who, group)
    name = escape_name(result.view.group.name)
    _after(context, meta, who, views.saved_message(result, f"Created {name}."))
    ack()


def settings(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    typed = views.read_settings(state)
    _change(context, roles.deps(context).services, who, meta, edit(updated, **typed), "settings")
    ack()


def members(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    wired = roles.deps(context)
    form = views.read_members(state)
    slack_users = form.slack_users
    pbx_ids = _members_or_errors(wired, client, who, slack_users)
    typed = form.members_data(dict(zip(slack_users, pbx_ids, strict=True)))

    def change(group: Group, directory: Directory) -> Group:
        # the form shows no pauses: those who stay keep theirs
        paused = {m.user_id: m.paused_until for m in group.members if m.paused_until}
        kept = [
            {**item, "paused_until": paused[item["user_id"]]} if item["user_id"] in paused else item
            for item in typed
        ]
        return updated(group, members=kept)

    _change(context, wired.services, who, meta, change, "members")
    ack()


def features(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    services = roles.deps(context).services
    groupbot_url = recording_target.form_url(services, who, meta, state)

    def change(group: Group, directory: Directory) -> Group:
        # what the modal does not show stays as stored (the save is pinned to the version
        # the modal showed, so this is the group it showed)
        typed = views.read_features(state, group.features)
        if groupbot_url is not None:
            typed["call_recording"]["url"] = groupbot_url
        return updated(group, features=typed)

    _change(context, services, who, meta, change, "features")
    ack()


def delete(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    if not views.read_delete(state):
        raise FieldErrors({"": "Tick the box to confirm the deletion."})
    opened = meta.opened()
    roles.deps(context).services.delete_group(who, opened)
    _after(context, meta, who, views.done_message(f"🗑 Deleted {escape_name(opened.name)}."))
    ack()


def setup(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    who, meta, state = _submission(context, client, body, view)
    roles.require_admin(who, "change the workspace setup")
    typed = views.read_setup(state)
    saved = roles.deps(context).services.setup_workspace(
        who,
        WorkspaceSettings(team_id=who.team_id, configured=True, **typed),
        api_key=views.read_api_key(state),
    )
    _after(
        context,
        meta,
        who,
        views.setup_saved_message(saved.account_id, saved.alert_channel),
    )
    ack()


# ---------------------------------------------------------------- shared steps


def _submission(
    context: BoltContext, client: WebClient, body: dict[str, Any], view: dict[str, Any]
) -> tuple[Actor, ModalMeta, dict[str, Any]]:
    """Who submits, what the modal was opened for, and what it holds; refuses a modal
    submitted by anyone but the person it was opened for."""
    who = roles.actor(context, client, body)
    meta = ModalMeta.decode(view.get("private_metadata"))
    if meta.opener and meta.opener != who.user_id:
        raise Forbidden(
            f"This form was opened by <@{meta.opener}>; only they can submit it. "
            "Open your own from /group."
        )
    state = (view.get("state") or {}).get("values") or {}
    return who, meta, state


def _members_or_errors(
    wired: roles.Deps,
    client: WebClient,
    who: Actor,
    slack_users: Sequence[str],
    data: Callable[[Sequence[str]], dict[str, Any]] | None = None,
) -> list[str]:
    """PBX users of the selected Slack users; a Slack user with no PBX user is reported
    under the members input together with whatever else the form gets wrong."""
    try:
        return people.pbx_users(wired.services, wired.users, client, who.team_id, slack_users)
    except FieldErrors as missing:
        errors = dict(missing.errors)
        if data is not None:
            try:
                parse_group(data(slack_users))
            except FieldErrors as other:
                errors = {**other.errors, **errors}
        raise FieldErrors(errors) from None


def _change(
    context: BoltContext,
    services: Services,
    who: Actor,
    meta: ModalMeta,
    change: GroupChange,
    what: str,
) -> None:
    """Save ``change`` to the group the modal was opened for (by its PBX group id), if it
    is still the version the modal showed, and say afterwards what was saved."""
    result = services.change_group(who, meta.opened(), change)
    _after(context, meta, who, _saved(result, what))


def _saved(result: SaveResult, what: str) -> Message:
    name = escape_name(result.view.group.name)
    return views.saved_message(
        result,
        f"Saved the {what} of {name}.",
        unchanged=f"Nothing to save: the {what} of {name} are as they were.",
    )


NOTICE = "groupbot_notice"  # context key: what to tell once the modal has closed


def _after(context: BoltContext, meta: ModalMeta, who: Actor, message: Message) -> None:
    context[NOTICE] = {"channel": meta.channel_id, "user": who.user_id, "message": message}


def notify(client: WebClient, context: BoltContext) -> None:
    """After the modal closed: say what was saved, where the modal was opened from."""
    notice = context.get(NOTICE)
    if notice:
        tell(client, notice["user"], notice["message"], channel=notice["channel"])
