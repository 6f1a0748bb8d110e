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

# How the app says that something failed, in what it shows: the section of every error
# reply and of a modal that refuses carries this block_id (``Block.ERROR`` in
# ``bot.commands.ids``, which the shell may not import: it stays a Slack client).
ERROR_BLOCK = "error"


def marked_as_error(blocks: Sequence[Mapping[str, Any]]) -> bool:
    """A block carries the error marker (``error``, or ``error:<anything>``)."""
    return any(
        str(block.get("block_id", "")).split(":", 1)[0] == ERROR_BLOCK
        for block in blocks
        if isinstance(block, Mapping)
    )


def is_error_message(message: Mapping[str, Any]) -> bool:
    """A message from the app's error path: every one carries the ERROR_BLOCK marker."""
    blocks = message.get("blocks")
    if isinstance(blocks, Sequence) and not isinstance(blocks, str):
        return marked_as_error(blocks)
    return False


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

    def set_usergroup(self, user: Person, handle: str, members: Sequence[Person]) -> Reply:
        """A workspace admin makes ``members`` the user group ``@handle``'s (creating it);
        the app hears of a change as Slack tells it (``subteam_members_changed``)."""
        ...
