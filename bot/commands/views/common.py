"""Pieces every surface shares: Block Kit element helpers and what modals and buttons
carry (``ModalMeta``, ``GroupRef``). The ring timeline as text bars is in ``timeline``,
the features in words and badges in ``badges``.

Everything here is a pure function from data to plain dicts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypedDict

from bot.engine.text import as_typed
from bot.errors import UserError
from bot.services import GroupSummary, GroupView, OpenedGroup

Block = dict[str, Any]
View = dict[str, Any]

TEXT_LIMIT = 3000  # section text, plain_text objects
FIELD_LIMIT = 2000  # section fields, input labels and hints
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
MAX_OPTIONS = 100
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TITLE_LIMIT = 24
FENCE = "```"
_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class Message(TypedDict):
    """What a reply needs: ``respond(**message)`` / ``chat_postMessage(channel=…, **message)``."""

    text: str  # the notification and screen-reader fallback
    blocks: list[Block]


# ---------------------------------------------------------------- what Slack carries back


@dataclass(frozen=True)
class GroupRef:
    """A button's ``value``: which group (database id, and ``ref``, its extension, for
    ``services.get_group``), at which version it was shown."""

    group_id: int
    version: int
    ref: str

    def encode(self) -> str:
        return json.dumps({"group_id": self.group_id, "version": self.version, "ref": self.ref})

    @classmethod
    def of(cls, view: GroupView | GroupSummary) -> GroupRef:
        return cls(group_id=view.id, version=view.version, ref=view.extension)

    @classmethod
    def decode(cls, value: str) -> GroupRef:
        data = json.loads(value)
        return cls(
            group_id=int(data["group_id"]), version=int(data["version"]), ref=str(data["ref"])
        )


@dataclass(frozen=True)
class ModalMeta:
    """A modal's ``private_metadata``: enough to re-authorize the submission, find the
    group again and detect that someone else saved in between.

    ``pbx_group_id`` and ``version`` name the group a form edits (``opened``): a rename,
    renumbering or a new group on its old extension never makes it another group's form.
    ``ref`` is the group's extension when the modal opened and ``name`` its name (for the
    in-modal buttons and titles, and to say what changed); ``channel_id`` is where the
    modal was opened from, for the reply after saving; ``generation`` counts rebuilds
    that must reset typed values (Members: Distribute).
    """

    opener: str  # Slack user id of who opened the modal
    version: int | None = None
    ref: str | None = None
    name: str | None = None
    channel_id: str | None = None
    generation: int = 0
    pbx_group_id: str | None = None

    @classmethod
    def for_group(cls, view: GroupView, opener: str, channel_id: str | None = None) -> ModalMeta:
        return cls(
            opener=opener,
            version=view.version,
            ref=view.group.extension,
            name=clip(view.group.name, 200),
            channel_id=channel_id,
            pbx_group_id=view.pbx.group_id,
        )

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None})

    @classmethod
    def decode(cls, value: object) -> ModalMeta:
        """What ``encode`` wrote; anything else (not JSON, wrong types, numbers out of
        range, text no id has) is a form from an older groupbot or a damaged one, refused
        in plain words."""
        try:
            data = json.loads(value) if isinstance(value, str) and len(value) <= 3000 else None
        except (ValueError, RecursionError):  # ValueError: JSON, or too many digits
            data = None
        if not isinstance(data, dict):
            raise UserError(DAMAGED_FORM)
        try:
            return cls(
                opener=_meta_text(data, "opener", _SLACK_ID) or _damaged(),
                version=_meta_count(data, "version"),
                ref=_meta_text(data, "ref", _NUMBER),
                name=_meta_text(data, "name", _NAME),
                channel_id=_meta_text(data, "channel_id", _SLACK_ID),
                generation=_meta_count(data, "generation") or 0,
                pbx_group_id=_meta_text(data, "pbx_group_id", _PBX_ID),
            )
        except _Damaged:
            raise UserError(DAMAGED_FORM) from None

    def opened(self) -> OpenedGroup:
        """The group this form was opened for, as it showed it."""
        if self.pbx_group_id is None or self.version is None or not self.ref or not self.name:
            raise UserError(DAMAGED_FORM)
        return OpenedGroup(self.pbx_group_id, self.version, self.name, self.ref)

    def next_generation(self) -> ModalMeta:
        return replace(self, generation=self.generation + 1)


DAMAGED_FORM = "This form is out of date or damaged; close it and open it again from /group."
_SLACK_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PBX_ID = _SLACK_ID
_NUMBER = re.compile(r"\+?[0-9]{1,36}")
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
_MAX_COUNT = 2**31 - 1  # versions, database ids and rebuilds fit PostgreSQL's integer


class _Damaged(Exception):
    pass


def _damaged() -> str:
    raise _Damaged


def _meta_text(data: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _Damaged
    return value


def _meta_count(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise _Damaged
    return value


# ---------------------------------------------------------------- text and blocks


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text or " ", limit), "emoji": True}


def mrkdwn(text: str, limit: int = TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text or " ", limit)}


def escape(text: str) -> str:
    """Text a user typed, safe inside mrkdwn (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def typed_ref(name: str) -> str:
    """A group's name as a command to copy needs it: exactly as stored, quoted when it
    holds a space, in a code span so no character of it is taken as markup (a name with a
    backtick cannot sit in one: it is left bare)."""
    typed = as_typed(name)
    return escape(typed) if "`" in typed else f"`{escape(typed)}`"


# mrkdwn has no escape for its formatting characters: a name shows each as the full-width
# character that looks like it, so `*Sales*_` is not read as markup and shows as typed.
_LOOKALIKES = str.maketrans({"*": "＊", "_": "＿", "~": "～", "`": "｀"})


def escape_name(text: str) -> str:
    """A name someone typed (a group's, a person's), safe inside mrkdwn and shown as typed:
    ``escape`` and no character of it taken as bold, italics, strike or code."""
    return escape(text).translate(_LOOKALIKES)


# Slack's own markup a plain-text message may carry on purpose: a user or channel mention,
# or a date (``<!date^…|…>``). Never a broadcast (``<!here>``, ``<!channel>``, a user
# group) or a link: a name someone typed may hold one.
_SLACK_MARKUP = re.compile(
    r"<@[UW][A-Z0-9]{1,63}(?:\|[^<>|]{0,80})?>"  # a user (Slack shows their own name)
    r"|<#[CG][A-Z0-9]{1,63}>"  # a channel
    r"|<!date\^\d{1,12}\^[^<>|^]{1,80}\|[^<>|]{1,80}>"  # a date, never with a link
)


def escape_keeping_mentions(text: str) -> str:
    """Plain text as mrkdwn: ``&``, ``<`` and ``>`` escaped except in Slack's mentions.

    For messages written as text that may name people (``<@U123>``), such as a
    ``UserError``: "Usage: /group ring <group> …" then shows its ``<group>``.
    """
    pieces: list[str] = []
    position = 0
    for match in _SLACK_MARKUP.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def header(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "header", "text": plain(text, 150)}
    if block_id:
        block["block_id"] = block_id
    return block


def section(text: str, block_id: str | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def fields_section(pairs: Sequence[tuple[str, str]], block_id: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "fields": [mrkdwn(f"*{label}*\n{value}", FIELD_LIMIT) for label, value in pairs[:10]],
    }
    if block_id:
        block["block_id"] = block_id
    return block


def context(texts: Iterable[str], block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [mrkdwn(t) for t in list(texts)[:10]]}
    if block_id:
        block["block_id"] = block_id
    return block


def warnings_block(warnings: Sequence[str]) -> Block:
    """Lint warnings, one per line (a context block's elements would run on together)."""
    return context(["\n".join(f"⚠ {escape(w)}" for w in warnings[:10])])


def divider() -> Block:
    return {"type": "divider"}


def actions(elements: Sequence[Block], block_id: str) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements[:25])}


def button(
    text: str,
    action_id: str,
    value: str | None = None,
    *,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {"type": "button", "text": plain(text, 75), "action_id": action_id}
    if value:
        element["value"] = clip(value, 2000)
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, yes: str, no: str = "Cancel") -> Block:
    return {
        "title": plain(title, 100),
        "text": mrkdwn(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
        "style": "danger",
    }


def option(text: str, value: str) -> Block:
    return {"text": plain(text, OPTION_TEXT_LIMIT), "value": clip(value, OPTION_VALUE_LIMIT)}


def input_block(
    block_id: str,
    label: str,
    element: Block,
    *,
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, FIELD_LIMIT),
        "element": element,
    }
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = plain(hint, FIELD_LIMIT)
    if dispatch:
        block["dispatch_action"] = True
    return block


# Slack's largest max_length for a plain_text_input: the bound of a field that lists
# numbers, which must still fit every number an adopted group already has.
LIST_FIELD_LENGTH = 3_000


def text_input(
    action_id: str,
    initial: str | None = None,
    *,
    placeholder: str | None = None,
    max_length: int | None = None,
    multiline: bool = False,
) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": action_id}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if max_length:
        element["max_length"] = max_length
    if multiline:
        element["multiline"] = True
    return element


def number_input(
    action_id: str,
    initial: float | str | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    decimal: bool = False,
) -> Block:
    element: Block = {"type": "number_input", "action_id": action_id, "is_decimal_allowed": decimal}
    if initial is not None and _NUMERIC.fullmatch(_number(initial)):
        element["initial_value"] = _number(initial)  # a half-typed value is not shown again
    if minimum is not None:
        element["min_value"] = _number(minimum)
    if maximum is not None:
        element["max_value"] = _number(maximum)
    return element


def _number(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def static_select(
    action_id: str,
    options: Sequence[Block],
    initial_value: str | None = None,
    *,
    placeholder: str | None = None,
) -> Block:
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "options": list(options[:MAX_OPTIONS]),
    }
    chosen = next((o for o in element["options"] if o["value"] == initial_value), None)
    if chosen is not None:
        element["initial_option"] = chosen
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def toggle(action_id: str, label: str, on: bool) -> Block:
    """An on/off switch: a single checkbox (the input block dispatches on change)."""
    box = option(label, "on")
    element: Block = {"type": "checkboxes", "action_id": action_id, "options": [box]}
    if on:
        element["initial_options"] = [box]
    return element


def modal(
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    meta: ModalMeta | None = None,
    *,
    submit: str | None = "Save",
    close: str = "Cancel",
) -> View:
    view: View = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_LIMIT),
        "close": plain(close, TITLE_LIMIT),
        "blocks": list(blocks[:VIEW_BLOCKS]),
    }
    if submit and any(b.get("type") == "input" for b in view["blocks"]):
        view["submit"] = plain(submit, TITLE_LIMIT)
    if meta is not None:
        view["private_metadata"] = meta.encode()
    return view


def slack_date(moment: datetime) -> str:
    """A time every reader sees in their own time zone (``<!date^…>``)."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def fenced(lines: Iterable[str]) -> str:
    return f"{FENCE}\n" + "\n".join(lines) + f"\n{FENCE}"


def code_sections(text: str, block_id: str | None = None, limit: int = TEXT_LIMIT) -> list[Block]:
    """``text`` in fenced sections of at most ``limit`` characters each, split at lines."""
    budget = limit - 2 * len(FENCE) - 2
    chunks: list[list[str]] = [[]]
    size = 0
    for raw in text.splitlines() or [" "]:
        line = clip(raw, budget)
        if chunks[-1] and size + len(line) + 1 > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    blocks = [section(fenced(chunk)) for chunk in chunks]
    if block_id:
        for index, block in enumerate(blocks):
            block["block_id"] = block_id if index == 0 else f"{block_id}:{index}"
    return blocks


def text_sections(text: str, limit: int = TEXT_LIMIT) -> list[Block]:
    """Long mrkdwn in sections, split at line ends."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        line = clip(line, limit)
        if current and len(current) + len(line) + 1 > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current or " ")
    return [section(chunk) for chunk in chunks]
