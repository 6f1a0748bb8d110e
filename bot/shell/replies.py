"""What one interaction with the app produced, and the Slack side that produces it.

``bot.shell.chat.EmulatedChat`` is the :class:`Chat` of a real session; the session and
the forms only know these types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.shell.forms import Form, Question
from bot.shell.render import Choice
from bot.shell.workspace import Person, Workspace

HOME = "home"  # the channel of a Posted that is the user's Home tab

# How the app says that something failed, in what it shows (an error reply, a modal that
# refuses). ``bot.commands`` has no explicit marker yet: its error path
# (``bot.commands.errors``) answers with bare text while every other reply has blocks,
# and a refusal modal (``views.notice_modal``) looks like any other notice. ERROR_BLOCK is
# the block_id the Slack side is asked to give the section of an error reply or refusal
# (``Block.ERROR`` in ``bot.commands.ids``); the shell reads it already, so an error
# reply with blocks, or a refusal modal, counts as a failure as soon as it carries it.
ERROR_BLOCK = "error"


def marked_as_error(blocks: Sequence[Mapping[str, Any]]) -> bool:
    """A block carries the error marker (``error``, or ``error:<anything>``)."""
    return any(
        str(block.get("block_id", "")).split(":", 1)[0] == ERROR_BLOCK
        for block in blocks
        if isinstance(block, Mapping)
    )


def is_error_message(message: Mapping[str, Any], *, shares_files: bool = False) -> bool:
    """A message from the app's error path: marked, or bare text (no blocks, no files)."""
    blocks = message.get("blocks")
    if isinstance(blocks, Sequence) and not isinstance(blocks, str) and blocks:
        return marked_as_error(blocks)
    return not shares_files


def is_refusal(view: Mapping[str, Any]) -> bool:
    """A modal that only says why it cannot be used (see ERROR_BLOCK)."""
    return marked_as_error(view.get("blocks") or ())


@dataclass(frozen=True)
class Posted:
    """A message the acting user can see, as the app produced it."""

    message: Mapping[str, Any]  # text and blocks
    channel: str = ""
    ts: str | None = None  # None for the ack of a command (never stored by Slack)
    ephemeral: bool = True
    replaced: bool = False  # an earlier message rewritten (replace_original, chat.update)
    deleted: bool = False
    files: tuple[str, ...] = ()  # one line per file shared with the message
    error: bool = False  # the app's error path sent it (see ``bot.shell.chat``)


@dataclass
class Reply:
    """Everything one interaction produced for the user who made it."""

    posted: list[Posted] = field(default_factory=list)
    view: dict[str, Any] | None = None  # the modal now on top, when it opened or changed
    closed: bool = False  # the modal closed (a submission that was accepted)
    field_errors: dict[str, str] = field(default_factory=dict)
    # why this interaction failed; "" when the app's own reply says it
    failures: list[str] = field(default_factory=list)


class Chat(Protocol):
    """The Slack side: builds the signed request, dispatches it, collects what came back."""

    @property
    def workspace(self) -> Workspace: ...

    def command(self, user: Person, text: str) -> Reply: ...

    def press(self, user: Person, choice: Choice, where: Posted | Form) -> Reply:
        """A button, overflow item or select option in a message or in the open modal."""
        ...

    def view_action(self, user: Person, form: Form, question: Question) -> Reply:
        """An input with ``dispatch_action`` changed: block_actions from inside the modal."""
        ...

    def submit(self, user: Person, form: Form) -> Reply: ...

    def close(self, user: Person, view: Mapping[str, Any]) -> Reply: ...

    def home(self, user: Person) -> Reply:
        """The user opens the app's Home tab."""
        ...
