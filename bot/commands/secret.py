"""Setup's "Rotate the recording secret" button: a new secret now, every group using it
rewritten; the admin is told by name what was rewritten and what failed (those groups
keep the old URL, which no longer takes uploads)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import roles, views
from bot.commands.tell import tell
from bot.commands.views.common import escape


def rotate(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    who = roles.actor(context, client, body)
    rotated = roles.deps(context).services.rotate_recording_secret(who)
    lines = ["Rotated the recording secret: the old recording URLs no longer take uploads."]
    if rotated.rewritten:
        lines.append("Now recording to the new URL: " + escape(", ".join(rotated.rewritten)) + ".")
    else:
        lines.append("No group was recording to groupbot.")
    if rotated.failed:
        lines.append(
            "⚠️ Still on the old URL (change them by hand): "
            + escape("; ".join(rotated.failed))
            + "."
        )
    tell(client, who.user_id, views.done_message("\n".join(lines)))
