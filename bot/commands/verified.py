"""Which requests Slack really sent, as far as the app can tell.

The HTTP front (``bot.web``) refuses an unsigned request before Bolt sees it; this is the
second line, for every way into the app (HTTP, Socket Mode, the shell). Bolt's own
``RequestVerification`` runs before any middleware of ours, so a request that reaches
``MarkVerified`` had its signature checked, or came over Socket Mode, whose WebSocket
the app token authenticated (Bolt skips the check there by design). A request whose
check raised instead of failing (slack_sdk's verifier raises on a timestamp that is not
a number, before it compares anything) never gets here, and the error handler
(``errors.make_error_handler``) then answers no one.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

VERIFIED_KEY = "groupbot_verified"


class MarkVerified(Middleware):
    """The first middleware of ours: whatever runs after it may trust the request. (A
    ``Middleware`` object: Bolt builds a function middleware's arguments on every request,
    which was a good part of our time to acknowledge.)"""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context[VERIFIED_KEY] = True
        return next()


def is_verified(context: BoltContext | None) -> bool:
    return bool(context is not None and context.get(VERIFIED_KEY))
