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

T = TypeVar("T")

QUOTES = '"“”„'  # straight, and the curly quotes Slack's editor inserts
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
PLAIN_MENTION = re.compile(r"^@([^\s@,<>]+)$")
LINK = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")
NUMBER = re.compile(r"^\+?\d+$")
NUMBER_SEPARATORS = re.compile(r"[\s\-.()]")
RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
SECONDS = re.compile(r"^(\d+)\s*s?$", re.IGNORECASE)


class ArgError(Exception):
    """Why an argument is wrong, in words for the user."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False  # the whole word was inside quotes, so it is never a keyword


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def tokenize(text: str) -> list[Token]:
    """Words split on whitespace; quotes hold spaces; ``<…>`` markup stays whole."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        parts: list[str] = []
        all_quoted = True
        while i < n and not text[i].isspace():
            char = text[i]
            if char in QUOTES:
                close = next((j for j in range(i + 1, n) if text[j] in QUOTES), n)
                parts.append(_unescape(text[i + 1 : close]))
                i = close + 1
            elif char == "<" and ">" in text[i:]:
                close = text.index(">", i)
                parts.append(text[i : close + 1])
                all_quoted = False
                i = close + 1
            else:
                j = i
                while j < n and not text[j].isspace() and text[j] not in QUOTES + "<":
                    j += 1
                parts.append(_unescape(text[i:j]))
                all_quoted = False
                i = j
        tokens.append(Token("".join(parts), quoted=all_quoted))
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


def to_int(text: str, what: str) -> int:
    if not text.isdigit():
        raise ArgError(f"{what} must be a whole number, not '{text}'")
    return int(text)


def to_seconds(text: str, what: str) -> int:
    """``20`` or ``20s``."""
    if not (match := SECONDS.match(text)):
        raise ArgError(f"{what} must be a number of seconds, not '{text}'")
    return int(match[1])


def to_number(text: str) -> str:
    """An extension (digits) or a DID (``+`` and digits), spaces and dashes removed."""
    if (match := LINK.match(text)) and match[1].startswith("tel:"):
        text = match[1].removeprefix("tel:")
    number = NUMBER_SEPARATORS.sub("", text)
    if not NUMBER.match(number):
        raise ArgError(f"'{text}' is neither an extension nor a +E.164 number")
    return number


def to_url(text: str) -> str:
    """The address of a Slack-formatted link ``<https://…|label>``, or the text as typed."""
    if match := LINK.match(text):
        return _unescape(match[1])
    return text


def to_range(text: str) -> tuple[int, int]:
    if not (match := RANGE.match(text.strip())):
        raise ArgError(f"start-end must look like 0-20, not '{text}'")
    return int(match[1]), int(match[2])


class Args:
    """The words after the subcommand, read left to right."""

    def __init__(self, tokens: list[Token]) -> None:
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
        return token.text

    def choice(self, choices: Mapping[str, T], what: str) -> T:
        """One of a few keywords (case-insensitive)."""
        token = self.take(what)
        if not token.quoted and (value := choices.get(token.text.lower())) is not None:
            return value
        raise ArgError(f"{what} must be {_or(list(choices))}, not '{token.text}'")

    def user(self) -> UserRef:
        token = self.take("the user")
        if (user := to_user(token)) is None:
            raise ArgError(f"'{token.text}' is not a user: mention them, like @dana")
        return user

    def users(self) -> tuple[UserRef, ...]:
        """One or more mentions, up to the end of the line."""
        if not self:
            raise ArgError("mention at least one user, like @dana")
        users: list[UserRef] = []
        while self:
            users.append(self.user())
        return tuple(users)

    def rest(self, what: str) -> str:
        """Every remaining word as one text, for names that may hold spaces."""
        text = " ".join(token.text for token in self.take_all()).strip()
        if not text:
            raise ArgError(f"{what} is missing")
        return text

    def done(self) -> None:
        if self:
            raise ArgError(f"unexpected '{self.take('').text}'")


def _or(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]
