"""What Slack refuses in a view or a message, as Slack words it.

``check_view`` and ``check_message`` are pure: they return Slack-style error lines
(``[ERROR] <reason> [json-pointer:/view/blocks/1/...]``), empty when the payload would
be accepted. The emulator answers with them; tests call them on view builders' output.

Two layers: the Block Kit JSON Schema (when the shared file is present, see
``schema.py``) and the rules the schema cannot express or that must hold even without
it: per-surface block counts, text limits, unique block_ids per surface and unique
action_ids per block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slackemu.schema import schema_errors

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100

# Elements offering a fixed list of choices, and how many they may offer.
_OPTION_LIMITS = {
    "static_select": 100,
    "multi_static_select": 100,
    "checkboxes": 10,
    "radio_buttons": 10,
    "overflow": 5,
}


def check_view(view: Any) -> list[str]:
    """Errors Slack would give for ``view`` in views.open/update/push/publish."""
    rules = _Rules("/view")
    rules.view(view)
    surface = view.get("type") if isinstance(view, Mapping) else None
    schema = schema_errors(surface, view, "/view") if surface in ("modal", "home") else []
    return rules.report(schema)


def check_message(blocks: Any) -> list[str]:
    """Errors Slack would give for the ``blocks`` of a message (chat.* or response_url)."""
    rules = _Rules("/blocks")
    if not isinstance(blocks, list):
        rules.add("", "must provide an array")
        return rules.report([])
    if len(blocks) > MESSAGE_MAX_BLOCKS:
        rules.add("", f"no more than {MESSAGE_MAX_BLOCKS} items allowed")
    rules.blocks(blocks, "")
    return rules.report(schema_errors("blocks", blocks, "/blocks") if blocks else [])


def format_error(pointer: str, reason: str) -> str:
    return f"[ERROR] {reason} [json-pointer:{pointer}]"


class _Rules:
    """One pass over a surface, collecting (pointer, reason) problems."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[tuple[str, str]] = []
        self.block_ids: set[str] = set()
        self.action_ids: set[str] = set()
        self.focused = False
        self.has_input = False

    def add(self, pointer: str, reason: str) -> None:
        self.problems.append((self.prefix + pointer, reason))

    def report(self, schema: list[tuple[str, str]]) -> list[str]:
        # The schema repeats some of our limits: where we already explained a pointer,
        # its schema lines would only say the same thing less clearly.
        ours = {pointer for pointer, _ in self.problems}
        found = list(self.problems)
        for problem in schema:
            if problem[0] not in ours and problem not in found:
                found.append(problem)
        return [format_error(pointer, reason) for pointer, reason in found]

    # -- surfaces -------------------------------------------------------------------

    def view(self, view: Any) -> None:
        if not isinstance(view, Mapping):
            self.add("", "must provide an object")
            return
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.add("/type", 'must be one of "modal", "home"')
            return
        blocks = view.get("blocks")
        if not isinstance(blocks, list):
            self.add("/blocks", "must provide an array")
            blocks = []
        elif len(blocks) > VIEW_MAX_BLOCKS:
            self.add("/blocks", f"no more than {VIEW_MAX_BLOCKS} items allowed")
        self.blocks(blocks, "/blocks")
        self.length(view.get("private_metadata"), "/private_metadata", 3000)
        self.length(view.get("callback_id"), "/callback_id", 255)
        self.length(view.get("external_id"), "/external_id", 255)
        if kind == "home":
            for key in ("title", "submit", "close"):
                if key in view:
                    self.add(f"/{key}", f"invalid additional property: {key}")
            return
        if "title" not in view:
            self.add("/title", "missing required field: title")
        for key in ("title", "submit", "close"):
            self.text(view.get(key), f"/{key}", 24)
        if self.has_input and "submit" not in view:
            self.add("/submit", "must provide submit when the view has input blocks")

    def blocks(self, blocks: Sequence[Any], at: str) -> None:
        for index, block in enumerate(blocks):
            if isinstance(block, Mapping):
                self.block(block, f"{at}/{index}")
            else:
                self.add(f"{at}/{index}", "must provide an object")

    # -- blocks ---------------------------------------------------------------------

    def block(self, block: Mapping[str, Any], at: str) -> None:
        self.unique(block.get("block_id"), f"{at}/block_id", self.block_ids, "block_id")
        # Slack's element docs ask action_ids to be unique within their block, not the
        # surface: state.values is keyed block_id first, so "value" in every input is fine.
        self.action_ids = set()
        match block.get("type"):
            case "section":
                self.text(block.get("text"), f"{at}/text", 3000)
                fields = block.get("fields")
                if isinstance(fields, list):
                    self.count(fields, f"{at}/fields", 10)
                    for i, field in enumerate(fields):
                        self.text(field, f"{at}/fields/{i}", 2000)
                self.element(block.get("accessory"), f"{at}/accessory")
            case "header":
                self.text(block.get("text"), f"{at}/text", 150)
            case "actions" | "context":
                limit = 25 if block.get("type") == "actions" else 10
                elements = block.get("elements")
                if isinstance(elements, list):
                    self.count(elements, f"{at}/elements", limit)
                    for i, element in enumerate(elements):
                        self.element(element, f"{at}/elements/{i}")
            case "input":
                self.has_input = True
                self.text(block.get("label"), f"{at}/label", 2000)
                self.text(block.get("hint"), f"{at}/hint", 2000)
                self.element(block.get("element"), f"{at}/element")
            case "markdown":
                self.length(block.get("text"), f"{at}/text", 12000)
            case "image":
                self.length(block.get("alt_text"), f"{at}/alt_text", 2000)
                self.length(block.get("image_url"), f"{at}/image_url", 3000)

    # -- elements -------------------------------------------------------------------

    def element(self, element: Any, at: str) -> None:
        if not isinstance(element, Mapping):
            return
        kind = element.get("type")
        self.unique(element.get("action_id"), f"{at}/action_id", self.action_ids, "action_id")
        if element.get("focus_on_load") is True:
            if self.focused:
                self.add(f"{at}/focus_on_load", "only one element per view may set focus_on_load")
            self.focused = True
        self.text(element.get("placeholder"), f"{at}/placeholder", 150)
        self.confirm(element.get("confirm"), f"{at}/confirm")
        if kind == "button":
            self.text(element.get("text"), f"{at}/text", 75)
            self.length(element.get("value"), f"{at}/value", 2000)
            self.length(element.get("url"), f"{at}/url", 3000)
        if kind in _OPTION_LIMITS:
            self.choices(element, at, _OPTION_LIMITS[str(kind)])
        self.bounds(element, at)

    def choices(self, element: Mapping[str, Any], at: str, limit: int) -> None:
        offered: list[Any] = []
        options = element.get("options")
        if isinstance(options, list):
            self.count(options, f"{at}/options", limit)
            self.options(options, f"{at}/options")
            offered += options
        groups = element.get("option_groups")
        if isinstance(groups, list):
            self.count(groups, f"{at}/option_groups", 100)
            for i, group in enumerate(groups):
                if not isinstance(group, Mapping):
                    continue
                self.text(group.get("label"), f"{at}/option_groups/{i}/label", 75)
                inner = group.get("options")
                if isinstance(inner, list):
                    self.count(inner, f"{at}/option_groups/{i}/options", 100)
                    self.options(inner, f"{at}/option_groups/{i}/options")
                    offered += inner
        # Slack shows an initial option only if it is exactly one of those offered.
        initial = element.get("initial_option")
        if initial is not None and initial not in offered:
            self.add(f"{at}/initial_option", "must match one of the provided options")
        initials = element.get("initial_options")
        if isinstance(initials, list):
            for i, option in enumerate(initials):
                if option not in offered:
                    self.add(f"{at}/initial_options/{i}", "must match one of the provided options")

    def options(self, options: Sequence[Any], at: str) -> None:
        for i, option in enumerate(options):
            if isinstance(option, Mapping):
                self.text(option.get("text"), f"{at}/{i}/text", 75)
                self.length(option.get("value"), f"{at}/{i}/value", 150)
                self.text(option.get("description"), f"{at}/{i}/description", 75)

    def bounds(self, element: Mapping[str, Any], at: str) -> None:
        low_key, high_key = {
            "plain_text_input": ("min_length", "max_length"),
            "number_input": ("min_value", "max_value"),
        }.get(str(element.get("type")), ("", ""))
        low, high = element.get(low_key), element.get(high_key)
        try:
            inverted = low is not None and high is not None and float(low) > float(high)
        except (TypeError, ValueError):
            return  # a malformed number is the schema's finding, not ours
        if inverted:
            self.add(f"{at}/{low_key}", f"must not be greater than {high_key}")

    def confirm(self, confirm: Any, at: str) -> None:
        if isinstance(confirm, Mapping):
            for key, limit in (("title", 100), ("text", 300), ("confirm", 30), ("deny", 30)):
                self.text(confirm.get(key), f"{at}/{key}", limit)

    # -- primitives -----------------------------------------------------------------

    def text(self, obj: Any, at: str, limit: int) -> None:
        """A text object's ``text``: 1..limit characters."""
        if isinstance(obj, Mapping) and isinstance(obj.get("text"), str):
            if not obj["text"]:
                self.add(f"{at}/text", "must be more than 0 characters")
            self.length(obj["text"], f"{at}/text", limit)

    def length(self, value: Any, at: str, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(at, f"must be less than {limit + 1} characters")

    def count(self, items: Sequence[Any], at: str, limit: int) -> None:
        if len(items) > limit:
            self.add(at, f"no more than {limit} items allowed")

    def unique(self, value: Any, at: str, seen: set[str], what: str) -> None:
        if not isinstance(value, str):
            return
        self.length(value, at, 255)
        if value in seen:
            self.add(at, f"duplicate {what}: {value}")
        seen.add(value)
