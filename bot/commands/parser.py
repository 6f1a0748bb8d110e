"""``/group`` text → a frozen command dataclass, or a ``UsageError`` the user can act on.

Pure: no Slack, no database. Values are parsed for their shape (a number, a range, on/off)
and each number for its bounds, on its digits before it is converted; whether 40-20 is a
sensible ring window is the engine's call. What the line may hold at all (its length, its
characters) is checked first: see docs/input-bounds.md.
"""

from __future__ import annotations

from bot.commands.grammar.args import ArgError, Args, Token, to_user, tokenize
from bot.commands.grammar.errors import UsageError
from bot.commands.help import SPECS, spec_for
from bot.commands.subcommands import REGISTERED, Help, Parsed
from bot.engine.text import UNSAFE, describe, unsafe_character

# The command dataclasses are in their families, ``bot.commands.subcommands`` (import them
# from there), the help in ``bot.commands.help``, the two errors in ``bot.commands.grammar.errors``.
__all__ = ["COMMANDS", "MAX_TEXT", "parse"]

# The longest line read, refused before it is split into words. Nothing a command names
# comes near it (names of 128 characters, numbers of 36, a URL of 2,048), and it bounds
# the work one line can cause, whatever Slack (or a forged request) sends.
MAX_TEXT = 4_000
HELP_LINE = "Type /group help to see every command with an example."
# Whitespace that may separate words (a pasted line may carry tabs or line breaks); every
# other control character is refused wherever it is (see bot.engine.text).
SEPARATORS = frozenset("\t\n\r")


def parse(text: str) -> Parsed:
    """Parse what follows ``/group``; an empty line is a request for help."""
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"That command is {len(text):,} characters long; /group reads at most {MAX_TEXT:,}.",
            HELP_LINE,
        )
    if (char := _unsafe(text)) is not None:
        raise UsageError(
            f"A /group command cannot contain {describe(char)}; type it as plain text.",
            HELP_LINE,
        )
    words = text.split(maxsplit=1)
    if not words:
        return Help()
    spec = spec_for(words[0])
    tokens: list[Token] = []
    try:
        tokens = tokenize(words[1] if len(words) > 1 else "")
        _one_line_words(tokens)
        return REGISTERED[spec.name].read(Args(tokens))
    except ArgError as err:
        hint = _quotes_hint(spec.name, tokens) if err.about_names else ""
        raise UsageError(str(err) + hint, spec.usage_line) from None


def _quotes_hint(subcommand: str, tokens: list[Token]) -> str:
    """When the line reads once its first words are one quoted name (``show Front desk``),
    the line corrected; else nothing."""
    for count in range(2, len(tokens) + 1):
        first = tokens[:count]
        if any(t.quoted or to_user(t) is not None or t.text.startswith("<") for t in first):
            return ""
        name = " ".join(t.text for t in first)
        joined = [Token(name, quoted=True), *tokens[count:]]
        try:
            REGISTERED[subcommand].read(Args(joined))
        except ArgError:
            continue
        rest = " ".join(f'"{t.text}"' if t.quoted else t.text for t in tokens[count:])
        line = f'/group {subcommand} "{name}" {rest}'.rstrip()
        return f". If “{name}” is one name, put it in quotes: {line}"
    return ""


def _unsafe(text: str) -> str | None:
    """The first character no command may hold, other than a separating tab or line break."""
    return next((m[0] for m in UNSAFE.finditer(text) if m[0] not in SEPARATORS), None)


def _one_line_words(tokens: list[Token]) -> None:
    """A word in quotes holds what separates words elsewhere; it names something on one
    line (a group, a prefix), so a tab or line break in it is refused."""
    for token in tokens:
        if (char := unsafe_character(token.text)) is not None:
            raise ArgError(
                f"a word in quotes cannot contain {describe(char)}: "
                "a name or a prefix is one line of plain text"
            )


# Every subcommand name, in the order the help lists them.
COMMANDS: tuple[str, ...] = tuple(SPECS)
