"""The Slack surface in one screen: every command, view, action and event groupbot answers.

Handlers live in ``slash``, ``modals``, ``actions`` and ``home``; every error they raise
goes down one path (``errors``). ``bot.app.create_app`` builds the app and calls this.
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

    from . import actions, errors, home, modals, slash

    on_error = errors.make_error_handler(block_errors)
    app.use(skip_slack_retries)
    app.error(on_error)
    on = errors.guarded(on_error)  # errors after ack() go down the same path

    app.command(Command.GROUP)(on(slash.group))

    app.view(Callback.CREATE)(on(modals.create))
    app.view(Callback.SETTINGS)(on(modals.settings))
    app.view(Callback.MEMBERS)(on(modals.members))
    app.view(Callback.FEATURES)(on(modals.features))
    app.view(Callback.DELETE)(on(modals.delete))
    app.view(Callback.SETUP)(on(modals.setup))

    app.action(matcher(Action.SHOW))(on(actions.show))
    app.action(matcher(Action.EDIT))(on(actions.open_settings))
    app.action(matcher(Action.MEMBERS))(on(actions.open_members))
    app.action(matcher(Action.FEATURES))(on(actions.open_features))
    app.action(matcher(Action.SIMULATE))(on(actions.simulate))
    app.action(matcher(Action.DELETE))(on(actions.delete))
    app.action(Action.CREATE)(on(actions.open_create))
    app.action(Action.MEMBERS_SELECT)(on(actions.members_changed))
    app.action(Action.DISTRIBUTE)(on(actions.distribute))
    for toggle in FEATURE_DISPATCH:
        app.action(toggle)(on(actions.feature_changed))

    app.event("app_home_opened")(on(home.opened))


def skip_slack_retries(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Answer Slack's redelivery of a request without applying it a second time.

    Slack redelivers an event (and, rarely, any request) it thinks timed out, even while
    our first answer is still on its way; Bolt does not deduplicate. Everything we are
    sent either acks within milliseconds or is safe to miss once (the App Home is
    republished on the next visit), so a redelivery is acknowledged and dropped, with
    ``X-Slack-No-Retry`` asking Slack to stop.
    """
    from slack_bolt import BoltResponse

    if request.headers.get("x-slack-retry-num"):
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
    return next()
