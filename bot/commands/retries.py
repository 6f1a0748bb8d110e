"""Slack's redeliveries, acknowledged and dropped."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware


class SkipSlackRetries(Middleware):
    """Answer Slack's redelivery of a request without applying it a second time.

    Slack redelivers an event (and, rarely, any request) it thinks timed out, even while
    our first answer is still on its way; Bolt does not deduplicate. Everything we are
    sent either acks within milliseconds or is safe to miss once (the App Home is
    republished on the next visit), so a redelivery is acknowledged and dropped, with
    ``X-Slack-No-Retry`` asking Slack to stop.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        # Socket Mode deliveries carry the header too, "0" on the first attempt (Bolt's
        # adapter)
        attempt = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        if attempt not in ("", "0"):
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return next()
