"""Fonts for the timeline picture: names in any script, drawn or honestly stood in for.

matplotlib draws with DejaVu Sans, which has no CJK glyphs, and prints a "Glyph missing"
warning and an empty box for each. So a picture whose words need other glyphs asks the
installed fonts for one that has them (a Noto CJK, WenQuanYi, IPA… font when the system
has one) and names it as a fallback after DejaVu Sans. When no installed font has a
character, it is drawn as "?" and the picture says the names are in the text reply.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

DEFAULT_FAMILY = "DejaVu Sans"
STAND_IN = "?"
STAND_IN_FONTS = ("Last Resort",)  # matplotlib ships one
NOT_DRAWN = "? stands for characters no installed font has; the text reply shows every name."


class Lettering:
    """How to draw ``texts``: ``family`` for the text calls, ``text`` for each string."""

    def __init__(self, texts: Iterable[str]) -> None:
        wanted = {ch for text in texts for ch in text if not ch.isspace()}
        missing = {ch for ch in wanted if ord(ch) not in _charmap(_default_path())}
        fallback = _font_with(frozenset(missing)) if missing else None
        self.family: dict[str, Any] = {}
        if fallback is not None:
            self.family = {"fontfamily": [DEFAULT_FAMILY, fallback[0]]}
            missing -= {ch for ch in missing if ord(ch) in _charmap(fallback[1])}
        self._missing = frozenset(missing)
        self.stood_in = bool(missing)

    def text(self, text: str) -> str:
        """``text`` with each character that no font here draws as ``STAND_IN``."""
        if not self._missing:
            return text
        return "".join(STAND_IN if ch in self._missing else ch for ch in text)


@functools.cache
def _default_path() -> str:
    return str(font_manager.findfont(DEFAULT_FAMILY, fallback_to_default=True))


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot read
        return frozenset()


@functools.cache
def _font_with(characters: frozenset[str]) -> tuple[str, str] | None:
    """The installed font (family name, file) that has the most of ``characters``."""
    best: tuple[int, str, str] | None = None
    for entry in font_manager.fontManager.ttflist:
        if not entry.fname.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        if entry.name.startswith(STAND_IN_FONTS):  # boxes for every character, no letters
            continue
        charmap = _charmap(entry.fname)
        has = sum(1 for ch in characters if ord(ch) in charmap)
        if has and (best is None or has > best[0]):
            best = (has, entry.name, entry.fname)
            if has == len(characters):
                break
    return None if best is None else (best[1], best[2])
