"""Buttons and in-modal changes: acknowledge, re-authorize, act, render.

Group buttons (in messages and on App Home) carry a ``GroupRef``; buttons and selects
inside an open modal rebuild it in place with ``views.update`` and the view's ``hash``,
so a late update never overwrites a newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import drafts, roles, simulation, slash, views
from bot.commands import subcommands as c
from bot.commands.ids import Action, Callback, base_of
from bot.commands.shape import Malformed
from bot.commands.tell import tell
from bot.commands.views import GroupRef, MemberRow, Message, ModalMeta
from bot.commands.views.common import escape_name
from bot.engine.model import DEFAULT_WINDOW
from bot.errors import Forbidden, UserError
from bot.services import Actor, GroupView

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- group buttons


def acknowledge(ack: Ack) -> None:
    """The acknowledgement of a button or a change inside a modal: the work comes after."""
    ack()


def show(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    context: BoltContext,
) -> None:
    who = roles.actor(context, client, body)
    message = slash.run(c.Show(group=_group_ref(action).ref), who, roles.deps(context), client)
    reply(body, respond, client, who, message)


def open_form(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit, Members, Features, Create group: the Loading modal opens before the ack."""
    form = _form_for(action)
    with _trigger_used(body):
        slash.open_loading(form, body, client, context)
    ack()


def fill_form(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    slash.fill_modal(_form_for(action), body, client, context)


def _form_for(action: dict[str, Any]) -> c.Parsed:
    base = base_of(str(action.get("action_id", "")))
    if base == Action.CREATE:
        return c.OpenCreateModal()
    ref = _group_ref(action).ref
    forms: dict[str, c.Parsed] = {
        Action.EDIT: c.Edit(group=ref),
        Action.MEMBERS: c.OpenMembersModal(group=ref),
        Action.FEATURES: c.OpenFeaturesModal(group=ref),
    }
    return forms[base]


def simulate(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    context: BoltContext,
) -> None:
    who = roles.actor(context, client, body)
    command = c.Simulate(group=_group_ref(action).ref)
    message, picture = simulation.simulation(command, who, roles.deps(context), client)
    reply(body, respond, client, who, message)
    simulation.send_picture(client, who.user_id, picture, command.group)


def delete(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    context: BoltContext,
) -> None:
    """The Delete button's confirm dialog has asked already: pressing it means "delete".

    If the group changed since the button was drawn, the Delete modal shows it as it is
    now and asks once more.
    """
    who = roles.actor(context, client, body)
    services = roles.deps(context).services
    pressed = _group_ref(action)
    current = services.get_group(who.team_id, pressed.ref)
    roles.require_change(services, who, current, "delete it")
    if current.id != pressed.group_id or current.version != pressed.version:
        # before asking again (``delete_group`` refuses the same itself, below)
        services.refuse_delete_if_targeted(who.team_id, current.group.name)
        meta = ModalMeta.for_group(current, who.user_id, slash.channel_of(body))
        with _trigger_used(body):
            client.views_open(trigger_id=body["trigger_id"], view=views.delete_modal(meta, current))
        return
    services.delete_group(who, pressed.ref)
    done = views.done_message(f"🗑 Deleted {escape_name(current.group.name)}.")
    if respond is not None and respond.response_url:
        respond(**done, replace_original=True)
    else:
        client.chat_postMessage(channel=who.user_id, **done)


# ---------------------------------------------------------------- inside open modals


def members_changed(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """People added or removed in the Members modal: one row each, typed values kept."""
    view = _modal_view(body, Callback.MEMBERS, Callback.CREATE)
    if view.get("callback_id") == Callback.CREATE:
        return  # the Create modal's select has no rows to follow
    who, meta, state, shown = _open_modal(context, client, body, view)
    form = views.read_members(state)
    _show_members(context, client, view, who, shown, meta, form.rows, form.window)


def distribute(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Spread the rows over the window; a new generation of block_ids shows the new values."""
    view = _modal_view(body, Callback.MEMBERS)
    who, meta, state, shown = _open_modal(context, client, body, view)
    form = views.read_members(state)
    window = form.window if isinstance(form.window, int) else DEFAULT_WINDOW
    try:
        rows = views.distributed_rows(form.rows, window)
    except ValueError as error:
        raise UserError(f"{str(error).rstrip('.')}.") from None
    _show_members(context, client, view, who, shown, meta.next_generation(), rows, window)


def feature_changed(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A feature switched on or off (or the next-action kind changed): show its settings."""
    view = _modal_view(body, Callback.FEATURES)
    who, meta, state, shown = _open_modal(context, client, body, view)
    services = roles.deps(context).services
    team = who.team_id
    stored = shown.group.features if shown is not None else None
    draft = views.read_features(state, stored)
    update_view(client, view, views.features_modal(meta, services.directory(team), draft))


# ---------------------------------------------------------------- helpers


def _group_ref(action: dict[str, Any]) -> GroupRef:
    try:
        return GroupRef.decode(str(action.get("value") or ""))
    except (ValueError, KeyError, TypeError):
        raise UserError(
            "That button is from an older version of groupbot; run /group list."
        ) from None


def _modal_view(body: dict[str, Any], *forms: Callback) -> dict[str, Any]:
    """The open modal an in-modal button or select was used in, if it is one of ``forms``:
    sent from a message, the App Home or another modal, it has nothing to change."""
    view = body.get("view")
    if not isinstance(view, dict) or view.get("type") != "modal" or not view.get("id"):
        raise Malformed("that control belongs inside a form, and it came from elsewhere")
    if view.get("callback_id") not in forms:
        raise Malformed("that control belongs to another form")
    return view


# Slack's refusals of a trigger_id: expired (3 s), used already, or never issued
TRIGGER_ERRORS = frozenset(
    {"invalid_trigger_id", "expired_trigger_id", "exchanged_trigger_id", "trigger_exchanged"}
)


@contextmanager
def _trigger_used(body: dict[str, Any]) -> Iterator[None]:
    """Around a ``views.open``: a trigger Slack refuses is the user's to retry, not a bug."""
    if not isinstance(body.get("trigger_id"), str):
        raise Malformed("it carries no trigger_id")
    try:
        yield
    except SlackApiError as error:
        if error.response.get("error") not in TRIGGER_ERRORS:
            raise
        raise UserError("That button has expired; press it again.") from None


def _open_modal(
    context: BoltContext, client: WebClient, body: dict[str, Any], view: dict[str, Any]
) -> tuple[Actor, ModalMeta, dict[str, Any], GroupView | None]:
    """Who changes the open modal (refused unless it is whoever opened it and may still
    change the group), what it carries, what it holds, and the group as stored now."""
    who = roles.actor(context, client, body)
    meta = ModalMeta.decode(view.get("private_metadata"))
    if meta.opener and meta.opener != who.user_id:
        raise Forbidden(f"This form was opened by <@{meta.opener}>; only they can change it.")
    shown = None
    if meta.pbx_group_id:
        # the group the form was opened for, even if its extension now names another
        services = roles.deps(context).services
        shown = services.group_by_pbx_id(who.team_id, meta.pbx_group_id)
        roles.require_change(services, who, shown, "change it")
    return who, meta, (view.get("state") or {}).get("values") or {}, shown


def _show_members(
    context: BoltContext,
    client: WebClient,
    view: dict[str, Any],
    who: Actor,
    shown: GroupView | None,
    meta: ModalMeta,
    rows: Sequence[MemberRow],
    window: int | str | None,
) -> None:
    """Rebuild the open Members modal of ``shown`` around ``rows``."""
    rebuilt = drafts.members_form(
        roles.deps(context), client, who.team_id, _edited(shown), meta, rows, window=window
    )
    update_view(client, view, rebuilt)


def _edited(shown: GroupView | None) -> GroupView:
    if shown is None:
        raise UserError("This form does not say which group it edits; open it again.")
    return shown


def update_view(client: WebClient, current: dict[str, Any], new: dict[str, Any]) -> None:
    """``views.update`` guarded by the hash Slack gave the view we were sent."""
    try:
        client.views_update(view_id=current["id"], hash=current.get("hash"), view=new)
    except SlackApiError as error:
        if error.response.get("error") == "not_found":
            raise UserError("That form is closed; open it again from /group.") from None
        if error.response.get("error") != "hash_conflict":
            raise
        # a newer update (a quicker click) got there first; it already shows the latest state
        log.info("views.update of %s skipped: hash_conflict", current.get("id"))


def reply(
    body: dict[str, Any], respond: Respond | None, client: WebClient, who: Actor, message: Message
) -> None:
    """Under the message the button was in, or as a direct message (App Home, modals)."""
    tell(client, who.user_id, message, respond=respond)
