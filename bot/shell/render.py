"""Block Kit as terminal text: what the shell prints for a message or a modal.

Pure functions over the JSON Slack would receive: headers are underlined, sections and
fields become lines, their text converted by ``bot.shell.text`` (mrkdwn, rich text), and
every button, overflow item or select option becomes a numbered :class:`Choice` that the
shell can press (``[1] Edit  [2] Members``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.shell.text import BOLD, BOLD_SPAN, PLAIN, RESET, Style, dim, mrkdwn, rich_text

Json = Mapping[str, Any]

RULE_WIDTH = 40


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
            lines.append(dim("  " + line, style))
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
            lines.append(rich_text(block.get("elements") or (), style))
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
        bold = BOLD_SPAN.fullmatch(label.strip())
        if newline and bold and "\n" not in value and "```" not in value:
            return f"{bold.group(1)}: {mrkdwn(value, style)}"
    return _text(obj, style)


def _header(text: str, style: Style, *, ruler: str = "═") -> str:
    shown = f"{BOLD}{text}{RESET}" if style.ansi else text
    return f"{shown}\n{ruler * max(len(text), 3)}"


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
