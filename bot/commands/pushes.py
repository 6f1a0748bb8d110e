"""After the acknowledgement: send what the request saved to the PBX, and tell its user
when the PBX does not take it (``two_steps.in_two_steps`` calls these, so no listener calls
the PBX before Slack has its answer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands.roles import DEPS_KEY, Deps, user_of
from bot.commands.tell import tell
from bot.commands.views import Message, error_message
from bot.services import OutboxPush

Saved = dict[str, set[str]]
NOTICE = "groupbot_notice"  # modals.NOTICE: where a modal's "Saved …" went


def take_saved(context: BoltContext) -> Saved:
    """What this thread's listener saved (not pushed yet), taken off the thread."""
    wired = context.get(DEPS_KEY)
    return wired.services.take_saved() if isinstance(wired, Deps) else {}


def push_saved(
    saved: Saved,
    context: BoltContext,
    client: WebClient,
    body: Mapping[str, Any],
    respond: Respond | None,
) -> None:
    """Push ``saved`` and what this thread saved since; tell the user what did not go."""
    wired = context.get(DEPS_KEY)
    if not isinstance(wired, Deps):
        return
    for account, groups in wired.services.take_saved().items():
        saved.setdefault(account, set()).update(groups)
    if not saved:
        return
    result = wired.services.push_saved(saved)
    user = user_of(body)
    if result.failed and user:
        notice = context.get(NOTICE) or {}
        tell(client, user, _not_taken(result), respond=respond, channel=notice.get("channel"))


def _not_taken(result: OutboxPush) -> Message:
    lines = []
    for name, why in result.failed:
        if name in result.refused:
            lines.append(
                f"The PBX refused the change to {name}: {why}. It is saved in groupbot but "
                f"not on the PBX; change it so the PBX accepts it (/group show {name})."
            )
        else:
            lines.append(
                f"The PBX has not taken the change to {name} yet ({why}). It is saved and "
                "queued; groupbot sends it again every minute."
            )
    return error_message("\n".join(lines))
