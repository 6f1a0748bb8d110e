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
    from slack_bolt import App, BoltRequest, BoltResponse


def register(app: App) -> None:
    # Imported here: ``bot.commands.parser`` and the views stay importable without Bolt.
    from bot.commands.ids import FEATURE_DISPATCH, Action, Callback, Command, matcher
    from bot.commands.views import block_errors

    from . import actions, drift, errors, home, mirror, modals, secret, slash, verified

    app.use(verified.mark_verified)  # first: everything after it may trust the request
    app.use(skip_slack_retries)
    guard_payload_shapes(app)
    app.error(errors.make_error_handler(block_errors))
    # Each entry point: the acknowledgement (fast: parse, open a Loading modal, or a modal's
    # whole validate-and-save), then the work after it, on the listener pool.
    steps = errors.in_two_steps
    ok = actions.acknowledge

    app.command(Command.GROUP)(steps(slash.acknowledge, slash.group))

    for callback, submit in (
        (Callback.CREATE, modals.create),
        (Callback.SETTINGS, modals.settings),
        (Callback.MEMBERS, modals.members),
        (Callback.FEATURES, modals.features),
        (Callback.DELETE, modals.delete),
        (Callback.SETUP, modals.setup),
    ):
        app.view(callback)(steps(submit, modals.notify))

    app.action(matcher(Action.SHOW))(steps(ok, actions.show))
    app.action(matcher(Action.EDIT))(steps(actions.open_form, actions.fill_form))
    app.action(matcher(Action.MEMBERS))(steps(actions.open_form, actions.fill_form))
    app.action(matcher(Action.FEATURES))(steps(actions.open_form, actions.fill_form))
    app.action(Action.CREATE)(steps(actions.open_form, actions.fill_form))
    app.action(matcher(Action.SIMULATE))(steps(ok, actions.simulate))
    app.action(matcher(Action.DELETE))(steps(ok, actions.delete))
    app.action(Action.MEMBERS_SELECT)(steps(ok, actions.members_changed))
    app.action(Action.DISTRIBUTE)(steps(ok, actions.distribute))
    for pressed in (Action.DRIFT_PUSH, Action.DRIFT_TAKE, Action.DRIFT_ADOPT):
        app.action(matcher(pressed))(steps(ok, drift.pressed))
    app.action(Action.ROTATE_SECRET)(steps(ok, secret.rotate))
    for toggle in FEATURE_DISPATCH:
        app.action(toggle)(steps(ok, actions.feature_changed))

    app.event("app_home_opened")(steps(ok, home.opened))
    app.event("subteam_members_changed")(steps(ok, mirror.members_changed))


def guard_payload_shapes(app: App) -> None:
    """Payloads of a shape Slack never sends are refused before anything reads them:
    ``shape.ShapeCheck`` runs right after Bolt's signature check, ahead of Bolt's own
    authorization, which reads the payload too (``bot.app.create_app`` passes it as
    ``App(before_authorize=...)``); the refusal is raised here, among our middleware,
    after authorization and the middleware registered before this."""
    from . import shape

    app.use(shape.refuse_marked)


def skip_slack_retries(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Answer Slack's redelivery of a request without applying it a second time.

    Slack redelivers an event (and, rarely, any request) it thinks timed out, even while
    our first answer is still on its way; Bolt does not deduplicate. Everything we are
    sent either acks within milliseconds or is safe to miss once (the App Home is
    republished on the next visit), so a redelivery is acknowledged and dropped, with
    ``X-Slack-No-Retry`` asking Slack to stop.
    """
    from slack_bolt import BoltResponse

    # Socket Mode deliveries carry the header too, "0" on the first attempt (Bolt's adapter)
    attempt = (request.headers.get("x-slack-retry-num") or ["0"])[0]
    if attempt not in ("", "0"):
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
    return next()
