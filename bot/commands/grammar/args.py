"""Splitting a ``/group`` line into words, and reading typed values off them.

Slack sends the text with ``should_escape`` on: mentions arrive as ``<@U123|dana>``,
links as ``<https://…|…>`` and ``<tel:+1…|…>``, and a literal ``&``, ``<`` or ``>`` as an
HTML entity. Quotes, straight or the curly ones Slack's editor types, group words.

Readers raise ``ArgError`` with just the reason; the parser adds the usage line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.commands.grammar.commands import UserRef
from bot.commands.grammar.errors import shown
from bot.engine.model import MAX_NAME

T = TypeVar("T")

QUOTES = '"“”„'  # straight, and the curly quotes Slack's editor inserts
WORD_ENDS = QUOTES + "<"
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
PLAIN_MENTION = re.compile(r"^@([^\s@,<>]+)$")
LINK = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")
NUMBER = re.compile(r"^\+?[0-9]+\Z")
MAX_NUMBER = 36  # Kazoo's bound on an entry of a callflow's ``numbers``
MAX_REFERENCE = 256  # a voicemail box, menu, device or media file named on the line
NUMBER_SEPARATORS = re.compile(r"[\s\-.()]")
# ASCII digits and \Z: ``\d`` takes any Unicode digit (``²`` too, which int() refuses)
DIGITS = re.compile(r"^[0-9]+\Z")
RANGE = re.compile(r"^([0-9]+)\s*[-–—]\s*([0-9]+)\Z")
SECONDS = re.compile(r"^([0-9]+)\s*s?\Z", re.IGNORECASE)

MAX_MENTIONS = 15  # people one command may name (a group's largest membership)


class ArgError(Exception):
    """Why an argument is wrong, in words for the user. ``about_names``: whether a group
    name typed without quotes could be the cause (the parser then shows the line with
    quotes, when that line reads); False when the error names its cause exactly."""

    def __init__(self, message: str, *, about_names: bool = True) -> None:
        super().__init__(message)
        self.about_names = about_names


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False  # the whole word was inside quotes, so it is never a keyword
    unclosed: bool = False  # a quote in it runs to the end of the line


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def tokenize(text: str) -> list[Token]:
    """Words split on whitespace; quotes hold spaces; ``<…>`` markup stays whole.

    Every step of the inner loop takes at least one character, so the loop ends on any
    input: an unclosed quote runs to the end of the line, and a ``<`` with no ``>`` after
    it is an ordinary character (Slack sends a typed ``<`` as ``&lt;``).
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    markup_end = -1  # where the next ``>`` is, found once and reused
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        parts: list[str] = []
        all_quoted = True
        unclosed = False
        while i < n and not text[i].isspace():
            char = text[i]
            if char in QUOTES:
                close = next((j for j in range(i + 1, n) if text[j] in QUOTES), n)
                parts.append(_unescape(text[i + 1 : close]))
                unclosed = unclosed or close == n
                end = close + 1
            else:
                if char == "<" and markup_end < i:
                    markup_end = text.find(">", i)
                    if markup_end < 0:
                        markup_end = n  # no ``>`` anywhere after: none to look for again
                if char == "<" and markup_end < n:
                    parts.append(text[i : markup_end + 1])
                    end = markup_end + 1
                else:
                    end = i + 1  # the first character always belongs to the word
                    while end < n and not text[end].isspace() and text[end] not in WORD_ENDS:
                        end += 1
                    parts.append(_unescape(text[i:end]))
                all_quoted = False
            i = end
        tokens.append(Token("".join(parts), quoted=all_quoted, unclosed=unclosed))
    return tokens


def to_user(token: Token) -> UserRef | None:
    """The user a word mentions, or None when it is not a mention."""
    if token.quoted:
        return None
    if match := MENTION.match(token.text):
        return UserRef(user_id=match[1], label=match[2] or None)
    if match := PLAIN_MENTION.match(token.text):
        return UserRef(user_id=None, label=match[1])
    return None


def _bounded(digits: str, low: int, high: int) -> int | None:
    """The value of ASCII ``digits`` when it is from ``low`` to ``high``, else None.

    Checked on the digits before ``int()``: a 5,000-digit word is simply too big, not
    over Python's limit for converting text to an integer.
    """
    if not DIGITS.match(digits):
        return None
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None


def to_int(text: str, what: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, in ASCII digits."""
    if (value := _bounded(text, low, high)) is None:
        raise ArgError(f"{what} must be a whole number from {low} to {high}, not '{shown(text)}'")
    return value


def to_seconds(text: str, what: str, low: int, high: int) -> int:
    """``20`` or ``20s``, from ``low`` to ``high`` seconds."""
    match = SECONDS.match(text)
    if match is None or (value := _bounded(match[1], low, high)) is None:
        raise ArgError(
            f"{what} must be a number of seconds from {low} to {high}, not '{shown(text)}'"
        )
    return value


def to_number(text: str) -> str:
    """An extension (digits) or a DID (``+`` and digits), spaces and dashes removed."""
    if (match := LINK.match(text)) and match[1].startswith("tel:"):
        text = match[1].removeprefix("tel:")
    number = NUMBER_SEPARATORS.sub("", text)
    if len(number) > MAX_NUMBER:
        raise ArgError(f"'{shown(text)}' is too long for an extension or a phone number")
    if not NUMBER.match(number):
        raise ArgError(f"'{shown(text)}' is neither an extension nor a +E.164 number")
    return number


def to_url(text: str) -> str:
    """The address of a Slack-formatted link ``<https://…|label>``, or the text as typed."""
    if match := LINK.match(text):
        return _unescape(match[1])
    return text


def to_range(text: str, low: int, high: int) -> tuple[int, int]:
    """``start-end`` in seconds, each from ``low`` to ``high``; their order is the engine's."""
    match = RANGE.match(text.strip())
    if match is None:
        raise ArgError(f"start-end must look like 0-20, not '{shown(text)}'")
    start, end = _bounded(match[1], low, high), _bounded(match[2], low, high)
    if start is None or end is None:
        raise ArgError(f"start and end must be seconds from {low} to {high}, not '{shown(text)}'")
    return start, end


class Args:
    """The words after the subcommand, read left to right."""

    def __init__(self, tokens: list[Token]) -> None:
        # Read on, an unclosed quote swallows the words after it and the refusal would be
        # about those ("the extension is missing"): name the slip itself.
        if any(token.unclosed for token in tokens):
            raise ArgError('a quote (") is not closed: put one after the name it starts')
        self._tokens = tokens
        self._at = 0

    def __bool__(self) -> bool:
        return self._at < len(self._tokens)

    def peek(self) -> Token | None:
        return self._tokens[self._at] if self else None

    def take(self, what: str) -> Token:
        if not self:
            raise ArgError(f"{what} is missing")
        token = self._tokens[self._at]
        self._at += 1
        return token

    def take_all(self) -> list[Token]:
        rest = self._tokens[self._at :]
        self._at = len(self._tokens)
        return rest

    def group(self, what: str = "the group") -> str:
        token = self.take(what)
        if to_user(token) is not None or MENTION.match(token.text):
            raise ArgError(f"name {what} first, then the users")
        if not token.text.strip():
            raise ArgError(f"{what} is missing")
        if len(token.text) > MAX_NAME:
            raise ArgError(
                f"'{shown(token.text)}' is too long to name a group "
                f"(a group's name has at most {MAX_NAME} characters)"
            )
        return token.text

    def choice(self, choices: Mapping[str, T], what: str) -> T:
        """One of a few keywords (case-insensitive)."""
        token = self.take(what)
        if not token.quoted and (value := choices.get(token.text.lower())) is not None:
            return value
        raise ArgError(f"{what} must be {_or(list(choices))}, not '{shown(token.text)}'")

    def user(self) -> UserRef:
        token = self.take("the user")
        if (user := to_user(token)) is None:
            raise ArgError(f"'{shown(token.text)}' is not a user: mention them, like @dana")
        return user

    def users(self) -> tuple[UserRef, ...]:
        """One or more mentions, up to the end of the line."""
        if not self:
            raise ArgError("mention at least one user, like @dana")
        # A person named twice is meant once: keyed by Slack id (a label may differ), so
        # the change and its echo name each person once.
        users: dict[str, UserRef] = {}
        while self:
            user = self.user()
            users.setdefault(user.user_id or f"@{user.label}", user)
        if len(users) > MAX_MENTIONS:
            # each one is a Slack lookup: a line of hundreds would spend the workspace's
            # rate limit, and no group holds more than 15 members anyway
            raise ArgError(
                f"name at most {MAX_MENTIONS} people in one command, not {len(users):,} "
                "(a group has at most 15 members)"
            )
        return tuple(users.values())

    def rest(self, what: str, limit: int | None = MAX_REFERENCE) -> str:
        """Every remaining word as one text, for names that may hold spaces; at most
        ``limit`` characters (None: any, for a value whose reader bounds it)."""
        text = " ".join(token.text for token in self.take_all()).strip()
        if not text:
            raise ArgError(f"{what} is missing")
        if limit is not None and len(text) > limit:
            raise ArgError(f"{what} must be at most {limit} characters, not {len(text):,}")
        return text

    def done(self) -> None:
        if self:
            raise ArgError(f"unexpected '{shown(self.take('').text)}'")


def _or(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]
