"""The Slack surface in one screen: every command, view, action and event groupbot answers.

Handlers live in ``slash``, ``modals``, ``actions`` and ``home``; what they share is in
``edits`` (command-line changes and their replies), ``simulation`` (the call simulator,
its picture), ``drafts`` (the Members modal being edited) and ``tell`` (a reply to one
user after the ack). Every error they raise goes down one path (``errors``), which marks
its replies with ``ids.Block.ERROR``. ``bot.app.create_app`` builds the app and calls this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.commands.errors import ErrorHandler


def error_handler(witness: Callable[[Exception], None] | None = None) -> ErrorHandler:
    """The one error path (``errors``), for ``app.error`` and the work after each ack."""
    from bot.commands.views import block_errors

    from . import errors

    return errors.make_error_handler(block_errors, witness)


def register(app: App, on_error: ErrorHandler) -> None:
    # Imported here: ``bot.commands.parser`` and the views stay importable without Bolt.
    from bot.commands.ids import FEATURE_DISPATCH, Action, Callback, Command

    from . import (
        actions,
        drift,
        home,
        mirror,
        modals,
        presence,
        retries,
        routes,
        secret,
        shape,
        slash,
        two_steps,
        verified,
    )

    # Middleware objects, not functions: Bolt builds a function middleware's arguments
    # anew on every request, before the ack.
    app.use(verified.MarkVerified())  # first: everything after it may trust the request
    app.use(retries.SkipSlackRetries())
    # ``shape.ShapeCheck`` ran before Bolt's authorization (``bot.app.create_app`` passes
    # it as ``App(before_authorize=...)``); its refusal is raised here, among our
    # middleware, once authorization has found the workspace's token for the reply.
    app.use(shape.RefuseMarked())
    app.error(on_error)
    # Each entry point: the acknowledgement (fast: parse, open a Loading modal, or a modal's
    # whole validate-and-save), then the work after it, on the executor of ``Deps``.
    steps = two_steps.in_two_steps
    ok = actions.acknowledge

    app.command(Command.GROUP)(steps(slash.acknowledge, slash.group))

    forms = routes.Routes(routes.callback_id)
    for callback, submit in (
        (Callback.CREATE, modals.create),
        (Callback.SETTINGS, modals.settings),
        (Callback.MEMBERS, modals.members),
        (Callback.FEATURES, modals.features),
        (Callback.DELETE, modals.delete),
        (Callback.SETUP, modals.setup),
    ):
        forms.add(callback, steps(submit, modals.notify), exact=True)
    app.view(forms.pattern())(forms.listener())

    buttons = routes.Routes(routes.action_id)
    buttons.add(Action.SHOW, steps(ok, actions.show))
    for form in (Action.EDIT, Action.MEMBERS, Action.FEATURES):
        buttons.add(form, steps(actions.open_form, actions.fill_form))
    buttons.add(Action.CREATE, steps(actions.open_form, actions.fill_form), exact=True)
    buttons.add(Action.SIMULATE, steps(ok, actions.simulate))
    buttons.add(Action.DELETE, steps(ok, actions.delete))
    buttons.add(Action.MEMBERS_SELECT, steps(ok, actions.members_changed), exact=True)
    buttons.add(Action.DISTRIBUTE, steps(ok, actions.distribute), exact=True)
    for pressed in (Action.DRIFT_PUSH, Action.DRIFT_TAKE, Action.DRIFT_ADOPT):
        buttons.add(pressed, steps(ok, drift.pressed))
    buttons.add(Action.ROTATE_SECRET, steps(ok, secret.rotate), exact=True)
    for toggle in FEATURE_DISPATCH:
        buttons.add(toggle, steps(ok, actions.feature_changed), exact=True)
    buttons.add(Action.PAUSE_CONFIRM, steps(ok, presence.confirm_pressed), exact=True)
    for pressed in (Action.HOME_PAUSE_HOUR, Action.HOME_PAUSE_TOMORROW, Action.HOME_RESUME):
        buttons.add(pressed, steps(ok, home.pressed))
    # block actions only: Bolt's action() also matches legacy payloads by callback_id
    app.action({"type": "block_actions", "action_id": buttons.pattern()})(buttons.listener())

    app.event("app_home_opened")(steps(ok, home.opened))
    app.event("subteam_members_changed")(steps(ok, mirror.members_changed))
