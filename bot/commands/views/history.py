"""``/group history``: who changed what, when, newest first, and where undo stands."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.ids import Block
from bot.commands.views.common import (
    MESSAGE_BLOCKS,
    Message,
    context,
    escape,
    header,
    section,
    slack_date,
    text_sections,
)
from bot.engine.text import as_typed
from bot.services import History, Revision


def history_message(group_name: str, revisions: Sequence[Revision]) -> Message:
    """Each revision on a line, newest first as the services give them: an undone change
    struck through and marked "(undone)", an undo naming the revision it undid. Below:
    which change the next undo reverts, and how many changes there are when only the
    newest are shown.

    ``Revision.by`` is a Slack user id, shown as a mention; ``summary`` is plain text with
    names ("renamed Sales → Inside Sales; added Dana Lee"), escaped.
    """
    title = f"History of {group_name}"
    if not revisions:
        empty = [header(title, Block.HEADER), section("No changes yet.")]
        return {"text": escape(title), "blocks": empty}
    lines = "\n".join(_line(r) for r in revisions)
    notes = [n for n in (_next_undo(group_name, revisions), _shown_of(revisions)) if n]
    blocks = [header(title, Block.HEADER), *text_sections(lines)]
    blocks = blocks[: MESSAGE_BLOCKS - 1] + ([context(notes)] if notes else [])
    latest = revisions[0]
    text = f"{escape(title)}: #{latest.number} by <@{latest.by}>: {escape(latest.summary)}"
    return {"text": text, "blocks": blocks}


def _line(revision: Revision) -> str:
    said = f"*#{revision.number}* {slack_date(revision.at)} · <@{revision.by}>: "
    said += escape(revision.summary)
    if revision.undoes is not None:
        said += f" (#{revision.undoes})"
    if revision.undone:
        return f"~{said}~ _(undone)_"
    return said


def _next_undo(group_name: str, revisions: Sequence[Revision]) -> str:
    """Where undo stands: the change it reverts next (the newest neither undone nor an
    undo), or that there is none left."""
    for revision in revisions:
        if revision.undoes is None and not revision.undone:
            if revision.before is None:  # its creation, or its restore
                return "Nothing left to undo."
            command = f"/group undo {escape(as_typed(group_name))}"  # copied as typed
            return f"`{command}` would undo #{revision.number} next."
    return ""  # the one to undo next is older than those shown


def _shown_of(revisions: Sequence[Revision]) -> str:
    total = revisions.total if isinstance(revisions, History) else len(revisions)
    if total <= len(revisions):
        return ""
    return f"Showing the last {len(revisions)} of {total} changes."
