"""Slack's text as terminal text: ``mrkdwn``, ``rich_text`` and emoji codes, plain or
with ANSI bold and dim (``Style``). ``bot.shell.render`` lays the blocks out with it."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Json = Mapping[str, Any]

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"

EMOJI = {
    "white_check_mark": "✓",
    "heavy_check_mark": "✓",
    "ballot_box_with_check": "☑",
    "x": "✗",
    "warning": "⚠",
    "no_entry": "⛔",
    "no_entry_sign": "⛔",
    "information_source": "ℹ",
    "bulb": "💡",
    "telephone_receiver": "📞",
    "phone": "☎",
    "telephone": "☎",
    "bell": "🔔",
    "no_bell": "🔕",
    "red_circle": "●",
    "large_green_circle": "●",
    "large_yellow_circle": "●",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "mag": "🔍",
    "pencil2": "✎",
    "wastebasket": "🗑",
    "arrow_right": "→",
    "leftwards_arrow_with_hook": "↩",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "gear": "⚙",
    "floppy_disk": "💾",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "mailbox": "📫",
    "studio_microphone": "🎙",
    "musical_note": "♪",
    "link": "🔗",
    "lock": "🔒",
    "tada": "🎉",
    "thinking_face": "🤔",
}


@dataclass(frozen=True)
class Style:
    """How to print: ``ansi`` adds bold and dim (a terminal); ``names`` maps user ids to names,
    ``usergroups`` user group ids to handles."""

    ansi: bool = False
    names: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    usergroups: Mapping[str, str] = field(default_factory=dict)


PLAIN = Style()


_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_ANGLE = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
BOLD_SPAN = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")


def mrkdwn(text: str, style: Style = PLAIN) -> str:
    """Slack mrkdwn as readable terminal text.

    Mentions become ``@name``, channels ``#name``, links ``label (url)``, ``*bold*`` is
    bold on a terminal (plain otherwise), known emoji codes become symbols, inline code
    loses its backticks, and a code block is indented by four spaces; code is otherwise
    left untouched.
    """
    pieces: list[str] = []
    position = 0
    for match in _CODE_BLOCK.finditer(text):
        pieces.append(_inline(text[position : match.start()], style).rstrip(" "))
        code = html.unescape(match.group(1))
        block = "\n".join("    " + line for line in code.split("\n"))
        before = pieces[-1]
        pieces.append(("" if not before or before.endswith("\n") else "\n") + block)
        position = match.end()
        if position < len(text) and text[position] != "\n":
            pieces.append("\n")
    pieces.append(_inline(text[position:], style))
    return "".join(pieces)


def _inline(text: str, style: Style) -> str:
    # Inline code keeps its content verbatim: convert only between the spans.
    out: list[str] = []
    position = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(_formatting(text[position : match.start()], style))
        out.append(html.unescape(match.group(0)[1:-1]))
        position = match.end()
    out.append(_formatting(text[position:], style))
    return "".join(out)


def _formatting(text: str, style: Style) -> str:
    text = _ANGLE.sub(lambda m: _angle(m.group(1), style), text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    if style.ansi:
        text = BOLD_SPAN.sub(lambda m: f"{BOLD}{m.group(1)}{RESET}", text)
    else:
        text = BOLD_SPAN.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return html.unescape(text)


def _angle(inner: str, style: Style) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return "@" + (label or style.names.get(user, user))
    if target.startswith("#"):
        channel = target[1:]
        return "#" + (label or style.channels.get(channel, channel))
    if target.startswith("!subteam^"):
        group = target.removeprefix("!subteam^")
        return label or "@" + style.usergroups.get(group, "group")
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return "@" + target[1:]
    if label:
        return f"{label} ({target})" if label != target else label
    return target.removeprefix("mailto:")


def dim(text: str, style: Style) -> str:
    # a reset inside (the end of a bold word) would end the dimming too: dim again after it
    return f"{DIM}{text.replace(RESET, RESET + DIM)}{RESET}" if style.ansi else text


def rich_text(elements: Sequence[Json], style: Style) -> str:
    out: list[str] = []
    for container in elements:
        kind = container.get("type")
        inner = container.get("elements") or ()
        if kind == "rich_text_list":
            ordered = container.get("style") == "ordered"
            for index, item in enumerate(inner, 1):
                bullet = f"{index}." if ordered else "•"
                out.append(f"{bullet} {_rich_leaves(item.get('elements') or (), style)}")
        elif kind == "rich_text_preformatted":
            code = _rich_leaves(inner, PLAIN)
            out.append("\n".join("    " + line for line in code.split("\n")))
        elif kind == "rich_text_quote":
            quoted = _rich_leaves(inner, style)
            out.append("\n".join("> " + line for line in quoted.split("\n")))
        else:
            out.append(_rich_leaves(inner, style))
    return "\n".join(out)


def _rich_leaves(leaves: Sequence[Json], style: Style) -> str:
    parts = []
    for leaf in leaves:
        kind = leaf.get("type")
        if kind == "text":
            text = str(leaf.get("text", ""))
            bold = (leaf.get("style") or {}).get("bold")
            parts.append(f"{BOLD}{text}{RESET}" if bold and style.ansi else text)
        elif kind == "link":
            url = str(leaf.get("url", ""))
            label = leaf.get("text")
            parts.append(f"{label} ({url})" if label else url)
        elif kind == "user":
            user = str(leaf.get("user_id", ""))
            parts.append("@" + style.names.get(user, user))
        elif kind == "channel":
            channel = str(leaf.get("channel_id", ""))
            parts.append("#" + style.channels.get(channel, channel))
        elif kind == "emoji":
            name = str(leaf.get("name", ""))
            parts.append(EMOJI.get(name, f":{name}:"))
        elif kind == "broadcast":
            parts.append("@" + str(leaf.get("range", "here")))
        else:
            parts.append(str(leaf.get("text", "")))
    return "".join(parts)
