"""Short-lived surfaces: the Loading modal (open first, ``views.update`` after), a modal
that only tells something, and the replies after a change."""

from __future__ import annotations

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
    escape,
    modal,
    section,
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
    """A modal that only says something (e.g. the error met after the Loading view)."""
    return modal(callback_id, title, [section(text, Block.LOADING)], submit=None, close="Close")


def done_message(text: str) -> Message:
    """A one-line confirmation, e.g. "Leads of Sales: @dana"."""
    return {"text": clip(text, 3000), "blocks": [section(text)]}


def saved_message(result: SaveResult, headline: str) -> Message:
    """After a save: the headline, lint warnings, the group's summary and a Show button."""
    view = result.view
    blocks: list[BlockDict] = [section(f"✅ {headline}", Block.HEADER)]
    if result.warnings:
        blocks.append(context([f"⚠ {escape(w)}" for w in result.warnings][:10]))
    show = button("Show", group_action_id(Action.SHOW, view.id), GroupRef.of(view).encode())
    blocks.append(section(group_summary(view), Block.DETAILS, show))
    if view.pbx_pending:
        blocks.append(context(["⏳ Saved in groupbot; the PBX has not taken it yet."]))
    return {"text": headline, "blocks": blocks}
