"""Block Kit as terminal text: what the shell prints for a message or a modal.

Pure functions over the JSON Slack would receive: headers are underlined, sections and
fields become lines, mrkdwn is lightly converted (mentions back to ``@name``, links to
``text (url)``, code blocks indented), and every button, overflow item or select option
becomes a numbered :class:`Choice` that the shell can press (``[1] Edit  [2] Members``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Json = Mapping[str, Any]

RULE_WIDTH = 40
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
class Choice:
    """Something the user can press: a button, an overflow item or one option of a select.

    ``element`` is the Block Kit element as the app sent it; ``option`` the option chosen
    when the element is an overflow, select or radio group.
    """

    number: int
    label: str
    block_id: str
    element: Json
    option: Json | None = None

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id", ""))

    @property
    def confirm(self) -> Json | None:
        confirm = self.element.get("confirm")
        return confirm if isinstance(confirm, Mapping) else None

    def action(self) -> dict[str, Any]:
        """The ``actions[]`` entry of the block_actions payload Slack sends for this press."""
        element_type = str(self.element.get("type", "button"))
        action: dict[str, Any] = {
            "type": element_type,
            "block_id": self.block_id,
            "action_id": self.action_id,
        }
        if element_type == "button":
            action["text"] = dict(self.element.get("text") or _plain(self.label))
            if "value" in self.element:
                action["value"] = self.element["value"]
            if "style" in self.element:
                action["style"] = self.element["style"]
        elif self.option is not None:
            if element_type in {"checkboxes", "multi_static_select"}:
                action["selected_options"] = [dict(self.option)]
            else:
                action["selected_option"] = dict(self.option)
        return action


@dataclass(frozen=True)
class Rendered:
    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Style:
    """How to print: ``ansi`` adds bold and dim (a terminal); ``names`` maps user ids to names."""

    ansi: bool = False
    names: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


PLAIN = Style()


def render_message(message: Json, style: Style = PLAIN, *, first_number: int = 1) -> Rendered:
    """A chat message (``text`` and optional ``blocks``), as Slack would show it."""
    blocks = message.get("blocks")
    if isinstance(blocks, Sequence) and not isinstance(blocks, str) and blocks:
        return render_blocks(blocks, style, first_number=first_number)
    return Rendered(mrkdwn(str(message.get("text") or ""), style))


def render_view(view: Json, style: Style = PLAIN, *, first_number: int = 1) -> Rendered:
    """A modal's title and its non-input blocks; the inputs are a form (``bot.shell.forms``)."""
    parts = view_parts(view, style, first_number=first_number)
    segments = [parts.title, *(r.text for r in parts.before.values()), parts.after.text]
    return Rendered("\n".join(s for s in segments if s), parts.choices)


@dataclass(frozen=True)
class ViewParts:
    """A modal cut at its inputs: what to show above each one, so a form reads top to
    bottom like the modal; ``choices`` numbers the modal's buttons in view order."""

    title: str
    before: Mapping[str, Rendered]  # input block_id -> the blocks just above it
    after: Rendered  # the blocks below the last input
    choices: tuple[Choice, ...]


def view_parts(view: Json, style: Style = PLAIN, *, first_number: int = 1) -> ViewParts:
    title = _text_of(view.get("title"))
    before: dict[str, Rendered] = {}
    choices: list[Choice] = []
    segment: list[Json] = []
    for block in view.get("blocks") or ():
        if block.get("type") != "input":
            segment.append(block)
            continue
        rendered = render_blocks(segment, style, first_number=first_number + len(choices))
        before[str(block.get("block_id", ""))] = rendered
        choices.extend(rendered.choices)
        segment = []
    after = render_blocks(segment, style, first_number=first_number + len(choices))
    choices.extend(after.choices)
    head = _header(title, style, ruler="─") if title else ""
    return ViewParts(head, before, after, tuple(choices))


def render_blocks(
    blocks: Sequence[Json], style: Style = PLAIN, *, first_number: int = 1
) -> Rendered:
    lines: list[str] = []
    choices: list[Choice] = []

    def number() -> int:
        return first_number + len(choices)

    for block in blocks:
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "header":
            lines.append(_header(_text_of(block.get("text")), style))
        elif kind == "divider":
            lines.append("─" * RULE_WIDTH)
        elif kind == "section":
            text = block.get("text")
            if text:
                lines.append(_text(text, style))
            for item in block.get("fields") or ():
                lines.append("  " + _field(item, style).replace("\n", "\n  "))
            accessory = block.get("accessory")
            if accessory:
                pressable = _pressables(accessory, block_id, number())
                choices.extend(pressable)
                shown = _choice_line(pressable, style) or _element_summary(accessory, style)
                if shown:
                    lines.append("  " + shown)
        elif kind == "context":
            parts = [_context_element(e, style) for e in block.get("elements") or ()]
            line = "  ".join(p for p in parts if p)
            lines.append(_dim("  " + line, style))
        elif kind == "actions":
            row: list[Choice] = []
            others: list[str] = []
            for element in block.get("elements") or ():
                pressable = _pressables(element, block_id, number() + len(row))
                if pressable:
                    row.extend(pressable)
                else:
                    others.append(_element_summary(element, style))
            choices.extend(row)
            shown = "  ".join(p for p in (_choice_line(row, style), *others) if p)
            if shown:
                lines.append(shown)
        elif kind == "image":
            title = _text_of(block.get("title"))
            lines.append(f"[image: {title or block.get('alt_text', '')}]")
        elif kind == "rich_text":
            lines.append(_rich_text(block.get("elements") or (), style))
        elif kind == "markdown":
            lines.append(str(block.get("text", "")))
        elif kind == "input":
            label = _text_of(block.get("label"))
            lines.append(f"{label}: {_element_summary(block.get('element') or {}, style)}")
        elif kind == "file":
            lines.append(f"[file {block.get('external_id', '')}]")
        elif kind == "video":
            lines.append(f"[video: {_text_of(block.get('title'))}]")
        else:
            lines.append(f"[{kind} block]")
    return Rendered("\n".join(lines), tuple(choices))


# -- mrkdwn ----------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_ANGLE = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
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
        text = _BOLD.sub(lambda m: f"{BOLD}{m.group(1)}{RESET}", text)
    else:
        text = _BOLD.sub(r"\1", text)
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
        return label or "@group"
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return "@" + target[1:]
    if label:
        return f"{label} ({target})" if label != target else label
    return target.removeprefix("mailto:")


# -- pieces ----------------------------------------------------------------------------


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _text_of(obj: Any) -> str:
    """The raw string of a text object (or of a bare string)."""
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _text(obj: Any, style: Style) -> str:
    if isinstance(obj, Mapping) and obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")), style)
    return _text_of(obj)


def _field(obj: Any, style: Style) -> str:
    # "*Extension*\n201" reads better on one line as "Extension: 201".
    raw = _text_of(obj)
    if isinstance(obj, Mapping) and obj.get("type") == "mrkdwn":
        label, newline, value = raw.partition("\n")
        bold = _BOLD.fullmatch(label.strip())
        if newline and bold and "\n" not in value and "```" not in value:
            return f"{bold.group(1)}: {mrkdwn(value, style)}"
    return _text(obj, style)


def _header(text: str, style: Style, *, ruler: str = "═") -> str:
    shown = f"{BOLD}{text}{RESET}" if style.ansi else text
    return f"{shown}\n{ruler * max(len(text), 3)}"


def _dim(text: str, style: Style) -> str:
    # a reset inside (the end of a bold word) would end the dimming too: dim again after it
    return f"{DIM}{text.replace(RESET, RESET + DIM)}{RESET}" if style.ansi else text


def _context_element(element: Json, style: Style) -> str:
    if element.get("type") == "image":
        return f"[{element.get('alt_text', 'image')}]"
    return _text(element, style)


def _pressables(element: Json, block_id: str, first: int) -> list[Choice]:
    kind = element.get("type")
    if kind == "button":
        return [Choice(first, _text_of(element.get("text")), block_id, element)]
    if kind in {"overflow", "static_select", "radio_buttons"}:
        found: list[Choice] = []
        for option in _options(element):
            label = _text_of(option.get("text"))
            found.append(Choice(first + len(found), label, block_id, element, option))
        return found
    return []


def _options(element: Json) -> list[Json]:
    options = list(element.get("options") or ())
    for group in element.get("option_groups") or ():
        options.extend(group.get("options") or ())
    return options


def _choice_line(choices: Sequence[Choice], style: Style) -> str:
    parts = []
    for choice in choices:
        label = choice.label
        if choice.element.get("type") in {"static_select", "overflow", "radio_buttons"}:
            placeholder = _text_of(choice.element.get("placeholder"))
            label = f"{placeholder}: {label}" if placeholder else label
        if choice.element.get("url"):
            label += f" ({choice.element['url']})"
        if choice.element.get("style") == "danger":
            label += " ⚠"
        parts.append(f"[{choice.number}] {label}")
    return "  ".join(parts)


def _element_summary(element: Json, style: Style) -> str:
    """Elements that cannot be pressed from the shell (date pickers, user pickers…)."""
    kind = str(element.get("type", "element"))
    placeholder = _text_of(element.get("placeholder"))
    if kind == "image":
        return f"[{element.get('alt_text', 'image')}]"
    return f"({kind.replace('_', ' ')}{': ' + placeholder if placeholder else ''})"


def _rich_text(elements: Sequence[Json], style: Style) -> str:
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
