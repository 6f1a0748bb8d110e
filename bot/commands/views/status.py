"""Short-lived surfaces: the Loading modal (open first, ``views.update`` after), a modal
that only tells something, and the replies after a change."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.ids import Action, Block, group_action_id
from bot.commands.views.common import (
    Block as BlockDict,
)
from bot.commands.views.common import (
    GroupRef,
    Message,
    View,
    button,
    clip,
    context,
    escape_keeping_mentions,
    escape_name,
    modal,
    section,
    warnings_block,
)
from bot.commands.views.messages import group_summary
from bot.services import SaveResult

DEFAULT_TITLE = "groupbot"


def loading_modal(callback_id: str = "", title: str = DEFAULT_TITLE) -> View:
    """A minimal modal saying "Loading…"; give it the callback_id of the modal that
    will replace it, so a stray submission reaches the right listener."""
    return modal(
        callback_id,
        title,
        [section("⏳ Loading…", Block.LOADING)],
        submit=None,
        close="Close",
    )


def notice_modal(text: str, title: str = DEFAULT_TITLE, callback_id: str = "") -> View:
    """A modal that only says something (``text`` is mrkdwn)."""
    return modal(callback_id, title, [section(text, Block.LOADING)], submit=None, close="Close")


def refusal_modal(text: str, title: str = DEFAULT_TITLE) -> View:
    """A modal in place of a form that cannot be used (not an admin, no such group): the
    reason (plain text, mentions kept) in a section marked ``Block.ERROR``."""
    blocks = [section(escape_keeping_mentions(text), Block.ERROR)]
    return modal("", title, blocks, submit=None, close="Close")


def error_message(text: str) -> Message:
    """Every error reply (a ``UserError``, a usage line, a refusal, a bug's reference):
    ``text`` is plain text that may mention people; its section is marked ``Block.ERROR``."""
    shown = escape_keeping_mentions(text)
    return {"text": clip(shown, 3000), "blocks": [section(shown, Block.ERROR)]}


def done_message(text: str) -> Message:
    """A one-line confirmation (mrkdwn), e.g. "Leads of Sales: @dana"."""
    return {"text": clip(text, 3000), "blocks": [section(text)]}


# ``SaveResult.summary`` of a save that found the group already as asked
NO_CHANGE = "no change"


def saved_message(result: SaveResult, headline: str, *, unchanged: str | None = None) -> Message:
    """After a save: the headline, lint warnings, the group's summary and a Show button.

    ``headline`` and ``unchanged`` are mrkdwn. When the save changed nothing, ``unchanged``
    ("Sales already denies call-forward") takes the headline's place, without the ✅.
    """
    # The save's own change is pushed right after this reply, and its user is told if the
    # PBX does not take it (``commands.pushes``): the reply marks only an earlier failure.
    view = result.view if result.view.pbx_reason else replace(result.view, pbx_pending=False)
    warnings = list(result.warnings)
    if result.summary == NO_CHANGE:
        headline = unchanged or f"Nothing changed: {escape_name(view.group.name)} is as it was."
        warnings = [w for w in warnings if w.rstrip(".").casefold() != "nothing changed"]
        blocks: list[BlockDict] = [section(headline, Block.HEADER)]
    else:
        blocks = [section(f"✅ {headline}", Block.HEADER)]
    if warnings:
        blocks.append(warnings_block(warnings))
    show = button("Show", group_action_id(Action.SHOW, view.id), GroupRef.of(view).encode())
    blocks.append(section(group_summary(view), Block.DETAILS, show))
    if view.pbx_pending:
        blocks.append(context(["⏳ Saved in groupbot; the PBX has not taken its last change yet."]))
    return {"text": clip(headline, 3000), "blocks": blocks}
