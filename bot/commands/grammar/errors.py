"""The two ways a ``/group`` line can be wrong, both shown to the user as written."""

from __future__ import annotations

from bot.errors import UserError


def shown(text: str, limit: int = 40) -> str:
    """``text`` as a refusal quotes it back: at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UsageError(UserError):
    """A malformed argument: why, then the subcommand's exact usage line."""

    def __init__(self, reason: str, usage: str) -> None:
        self.reason = reason
        self.usage = usage
        # a sentence as the user reads it; ``reason`` stays as the grammar words it
        shown = reason[:1].upper() + reason[1:] if reason[:1].islower() else reason
        super().__init__(f"{shown}\n{usage}" if reason else usage)


class UnknownCommand(UsageError):
    """A subcommand (or help topic) that does not exist, with the nearest one if any."""

    def __init__(self, word: str, suggestion: str | None) -> None:
        self.word = word
        self.suggestion = suggestion
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(
            f"Unknown command '{shown(word)}'.{hint}",
            "Type /group help to see every command with an example.",
        )
