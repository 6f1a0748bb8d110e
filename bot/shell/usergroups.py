"""``/usergroup @handle @member …``: the shell plays the workspace admin who sets a Slack
user group's members, so what the app does when they change can be tried."""

from __future__ import annotations

import re

from bot.shell.workspace import AnswerError, Person, Workspace

USAGE = "Usage: /usergroup @handle @member … (no member empties it)"
# Slack's user group handles: lowercase letters, digits, dots, dashes and underscores
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._\-]{0,79}$")


def parse(rest: str, workspace: Workspace) -> tuple[str, list[Person]]:
    """The handle and the members ``rest`` names; an :class:`AnswerError` saying what to fix."""
    words = rest.replace(",", " ").split()
    if not words:
        raise AnswerError(USAGE)
    handle = words[0].removeprefix("@").lower()
    if not _HANDLE.match(handle):
        raise AnswerError(
            f"{words[0]} cannot be a user group's handle: use lowercase letters, digits, "
            f"dots, dashes or underscores. {USAGE}"
        )
    if any(p.handle.lower() == handle for p in workspace.people):
        raise AnswerError(f"@{handle} is a person here; name a user group. {USAGE}")
    members = [workspace.person(word) for word in words[1:]]
    return handle, list(dict.fromkeys(members))
