"""Which characters a one-line text may hold: names, prefixes, URLs, references.

Refused, wherever the text comes from (a form, the command line, an import, the shell):

- every control character (Unicode category Cc): NUL, which PostgreSQL cannot store in a
  text column; tab, line breaks and escape, which a one-line name cannot show and a
  terminal would act on; DEL and the C1 controls;
- the line and paragraph separators U+2028 and U+2029, line breaks by another name;
- the bidirectional formatting controls (U+061C, U+200E/F, U+202A–E, U+2066–9), which
  make a name read differently from what it is (a reordered extension, a hidden suffix);
- lone surrogates (Cs), which are not text at all: no UTF-8 can encode them;
- the characters that show as nothing (zero-width space, word joiner, byte order mark,
  the Hangul fillers, tag characters): "Sales" and "Sal\u200bes" would be two groups
  that read alike.

Everything else is kept: letters of every script, combining marks, emoji with their
zero-width joiners and variation selectors, the zero-width non-joiner some scripts
spell with, and the other format characters.
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # Cc
    "\u2028\u2029"  # Zl, Zp
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi controls (Cf)
    "\u200b\u2060\ufeff"  # zero-width space, word joiner, byte order mark (Cf)
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters that show as nothing
    "\U000e0000-\U000e007f"  # tag characters (Cf), invisible
    "\ud800-\udfff]"  # Cs
)

_NAMED = {
    "\x00": "a NUL character",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\u2028": "a line break",
    "\u2029": "a line break",
    "\x1b": "an escape character",
}


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` no one-line text may hold, or None."""
    found = UNSAFE.search(text)
    return found[0] if found else None


def describe(char: str) -> str:
    """``a tab``, ``a NUL character``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    if char in _NAMED:
        return _NAMED[char]
    name = unicodedata.name(char, "")
    if 0xD800 <= ord(char) <= 0xDFFF:
        name = "not text"
    elif not name:
        name = "a control character"
    return f"U+{ord(char):04X} ({name.lower()})"


def check_one_line(text: str, what: str) -> str:
    """``text`` unchanged, or ValueError saying which character to take out."""
    char = unsafe_character(text)
    if char is not None:
        raise ValueError(
            f"{what} cannot contain {describe(char)}; type it as one line of plain text"
        )
    return text


def as_typed(name: str) -> str:
    """A group's name as a ``/group`` command takes it: in quotes when it holds a space."""
    return f'"{name}"' if any(c.isspace() for c in name) else name
