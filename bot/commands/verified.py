"""Which requests Slack really sent, as far as the app can tell.

The HTTP front (``bot.web``) refuses an unsigned request before Bolt sees it; this is the
second line, for every way into the app (HTTP, Socket Mode, the shell). Bolt's own
``RequestVerification`` runs before any middleware of ours, so a request that reaches
``mark_verified`` had its signature checked, or came over Socket Mode, whose WebSocket
the app token authenticated (Bolt skips the check there by design). A request whose
check raised instead of failing (slack_sdk's verifier raises on a timestamp that is not
a number, before it compares anything) never gets here, and the error handler
(``errors.make_error_handler``) then answers no one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import BoltContext, BoltResponse

VERIFIED_KEY = "groupbot_verified"


def mark_verified(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """The first middleware of ours: whatever runs after it may trust the request."""
    context[VERIFIED_KEY] = True
    return next()


def is_verified(context: BoltContext | None) -> bool:
    return bool(context is not None and context.get(VERIFIED_KEY))
