"""What every parsed ``/group …`` command shares: its base class, and how it names people.
Each subcommand's own dataclasses are in its family, under ``bot.commands.subcommands``.

A group is referred to by the text the user typed (a name, any case, or an extension);
the services resolve it. Users are ``UserRef``s: a Slack mention carries the user id, a
plain ``@alice`` typed in the shell carries only the label, for the shell to resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class UserRef:
    """``<@U123|dana>`` → ``UserRef("U123", "dana")``; ``@dana`` → ``UserRef(None, "dana")``."""

    user_id: str | None
    label: str | None = None

    @property
    def display(self) -> str:
        """How to name the user in a reply when nothing better is known."""
        if self.user_id and not self.label:
            return f"<@{self.user_id}>"
        return f"@{self.label}"


@dataclass(frozen=True)
class Command:
    """Base of every parsed command; ``subcommand`` is the word after ``/group``."""

    subcommand: ClassVar[str]
