"""Modal stacks, home tabs and trigger ids, with the rules Slack enforces on them.

- a trigger_id is good for 3 seconds and one exchange;
- a modal stack holds at most 3 views;
- every change gives the view a new ``hash``; passing a stale one is a ``hash_conflict``;
- ``external_id`` is unique in the team while its view exists.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slackemu.checks import check_view, format_error
from slackemu.state import ApiError, Clock, Identity, Ids, invalid

TRIGGER_TTL = 3.0
MAX_STACK = 3

# Blocks holding interactive elements, whose omitted action_ids Slack fills in.
_INTERACTIVE = {"actions", "input", "section"}


@dataclass
class Trigger:
    user_id: str
    issued_at: float
    view_id: str | None  # the view the interaction came from, if any
    used: bool = False


@dataclass
class SubmissionOutcome:
    """What Slack does with the answer to a view_submission.

    ``action`` is close, clear, update, push or errors; ``view`` is the view now on top
    of the stack (None when the modal closed); ``problems`` lists why Slack would show
    "We had some trouble connecting" instead (empty when the answer was good).
    """

    action: str
    view: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class ViewStore:
    def __init__(self, identity: Identity, ids: Ids, clock: Clock) -> None:
        self.identity = identity
        self.ids = ids
        self.clock = clock
        self.home_tab_enabled = True
        self.triggers: dict[str, Trigger] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.owner: dict[str, str] = {}  # view id -> user id
        self.stacks: dict[str, list[str]] = {}  # root view id -> view ids, bottom first
        self.homes: dict[str, str] = {}  # user id -> home view id

    # -- triggers -------------------------------------------------------------------

    def issue_trigger(self, user_id: str, view_id: str | None = None) -> str:
        trigger_id = f"{int(self.clock())}.{self.ids.hex(10)}.{self.ids.hex(32)}"
        self.triggers[trigger_id] = Trigger(user_id, self.clock(), view_id)
        return trigger_id

    def _check(self, trigger_id: Any) -> Trigger:
        """The trigger, if it may still be exchanged; marking it used is the caller's job."""
        trigger = self.triggers.get(str(trigger_id))
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > TRIGGER_TTL:
            raise ApiError("expired_trigger_id")
        return trigger

    # -- modal API ------------------------------------------------------------------

    def open(self, trigger_id: Any, view: Any) -> dict[str, Any]:
        # Validate before spending the trigger, so a bad view leaves it usable.
        self._validate(view, "modal")
        trigger = self._check(trigger_id)
        trigger.used = True
        stored = self._store(view, trigger.user_id, previous=None)
        self.stacks[stored["id"]] = [stored["id"]]
        return stored

    def push(self, trigger_id: Any, view: Any) -> dict[str, Any]:
        self._validate(view, "modal")
        trigger = self._check(trigger_id)
        stack = self._stack_of(trigger.view_id)
        if stack is None:
            raise ApiError("invalid_trigger_id")  # pushing needs an interaction in a modal
        if len(stack) >= MAX_STACK:
            raise ApiError("push_limit_reached")
        trigger.used = True
        stored = self._store(view, trigger.user_id, previous=stack[-1])
        stack.append(stored["id"])
        return stored

    def update(self, view_id: Any, external_id: Any, view: Any, view_hash: Any) -> dict[str, Any]:
        if not view_id and not external_id:
            message = format_error("/view_id", "must provide view_id or external_id")
            raise invalid("invalid_arguments", [message])
        current = self._find(view_id, external_id)
        self._validate(view, current["type"], current["id"])
        if view_hash and view_hash != current["hash"]:
            raise ApiError("hash_conflict")
        return self._replace(current, view)

    def publish(self, user_id: str, view: Any, view_hash: Any) -> dict[str, Any]:
        if not self.home_tab_enabled:
            raise ApiError("not_enabled")
        current_id = self.homes.get(user_id)
        self._validate(view, "home", current_id)
        if current_id is None:
            stored = self._store(view, user_id, previous=None)
            self.homes[user_id] = stored["id"]
            return stored
        current = self.views[current_id]
        if view_hash and view_hash != current["hash"]:
            raise ApiError("hash_conflict")
        return self._replace(current, view)

    # -- what the Slack client does -------------------------------------------------

    def close(self, view_id: str) -> list[str]:
        """The user closes ``view_id``: it and the views above it go (all, if clear_on_close)."""
        stack = self._stack_of(view_id)
        if stack is None:
            return []
        view = self.views[view_id]
        start = 0 if view.get("clear_on_close") or stack[0] == view_id else stack.index(view_id)
        closed = stack[start:]
        del stack[start:]
        if not stack:
            self.stacks.pop(closed[0], None)
        for gone in closed:
            self.views.pop(gone, None)
            self.owner.pop(gone, None)
        return closed

    def resolve_submission(self, view_id: str, ack_body: Any) -> SubmissionOutcome:
        """Apply the app's HTTP answer to a view_submission of ``view_id``."""
        stack = self._stack_of(view_id)
        if stack is None:
            return SubmissionOutcome("close", problems=[f"view {view_id} is not open"])
        answer = _parse_ack(ack_body)
        if answer is None:
            return SubmissionOutcome("close", problems=["the ack body is not a JSON object"])
        action = answer.get("response_action")
        if not answer:
            self.close(view_id)
            return SubmissionOutcome("close", view=self._top(stack))
        if action == "clear":
            self.close(stack[0])
            return SubmissionOutcome("clear")
        if action == "errors":
            return self._errors(view_id, answer.get("errors"))
        if action in ("update", "push"):
            try:
                if action == "update":
                    self._validate(answer.get("view"), "modal", view_id)
                    shown = self._replace(self.views[view_id], answer["view"])
                else:
                    shown = self._push_view(stack, answer.get("view"))
            except ApiError as refused:
                messages = refused.extra.get("response_metadata", {}).get("messages", [])
                return SubmissionOutcome(action, problems=[refused.error, *messages])
            return SubmissionOutcome(action, view=shown)
        return SubmissionOutcome("close", problems=[f"unknown response_action: {action!r}"])

    # -- lookups --------------------------------------------------------------------

    def get(self, view_id: str) -> dict[str, Any]:
        found = self.views.get(view_id)
        if found is None:
            raise KeyError(f"no open view {view_id}")
        return copy.deepcopy(found)

    def stack_for(self, user_id: str) -> list[dict[str, Any]]:
        """The user's open modal (most recent stack), bottom view first."""
        for root in reversed(list(self.stacks)):
            if self.owner.get(root) == user_id:
                return [copy.deepcopy(self.views[v]) for v in self.stacks[root]]
        return []

    def home(self, user_id: str) -> dict[str, Any] | None:
        view_id = self.homes.get(user_id)
        return copy.deepcopy(self.views[view_id]) if view_id else None

    # -- internals ------------------------------------------------------------------

    def _validate(self, view: Any, surface: str, replacing: str | None = None) -> None:
        problems = check_view(view)
        if not problems and view.get("type") != surface:
            problems = [format_error("/view/type", f'must be "{surface}"')]
        if problems:
            raise invalid("invalid_arguments", problems)
        external_id = view.get("external_id")
        if external_id and any(
            other.get("external_id") == external_id and other["id"] != replacing
            for other in self.views.values()
        ):
            raise ApiError("duplicate_external_id")

    def _find(self, view_id: Any, external_id: Any) -> dict[str, Any]:
        for view in self.views.values():
            if (view_id and view["id"] == view_id) or (
                not view_id and external_id and view.get("external_id") == external_id
            ):
                return view
        raise ApiError("not_found")

    def _stack_of(self, view_id: str | None) -> list[str] | None:
        return next((s for s in self.stacks.values() if view_id in s), None)

    def _top(self, stack: list[str]) -> dict[str, Any] | None:
        return copy.deepcopy(self.views[stack[-1]]) if stack else None

    def _push_view(self, stack: list[str], view: Any) -> dict[str, Any]:
        self._validate(view, "modal")
        if len(stack) >= MAX_STACK:
            raise ApiError("push_limit_reached")
        stored = self._store(view, self.owner[stack[-1]], previous=stack[-1])
        stack.append(stored["id"])
        return copy.deepcopy(stored)

    def _errors(self, view_id: str, errors: Any) -> SubmissionOutcome:
        view = self.views[view_id]
        inputs = {b.get("block_id") for b in view["blocks"] if b.get("type") == "input"}
        if not isinstance(errors, Mapping) or not errors:
            return SubmissionOutcome("errors", problems=["response_action errors needs errors"])
        # Slack only shows errors next to input blocks; any other key fails the request.
        stray = [f"errors key {k!r} is not an input block_id" for k in errors if k not in inputs]
        return SubmissionOutcome(
            "errors", view=copy.deepcopy(view), errors=dict(errors), problems=stray
        )

    def _store(self, view: Any, user_id: str, previous: str | None) -> dict[str, Any]:
        view_id = self.ids.new("V")
        stored = self._render(view, view_id)
        stored["root_view_id"] = self.views[previous]["root_view_id"] if previous else view_id
        stored["previous_view_id"] = previous
        self.views[view_id] = stored
        self.owner[view_id] = user_id
        return copy.deepcopy(stored)

    def _replace(self, current: dict[str, Any], view: Any) -> dict[str, Any]:
        stored = self._render(view, current["id"])
        stored["root_view_id"] = current["root_view_id"]
        stored["previous_view_id"] = current["previous_view_id"]
        self.views[current["id"]] = stored
        return copy.deepcopy(stored)

    def _render(self, view: Mapping[str, Any], view_id: str) -> dict[str, Any]:
        """The view object Slack answers with: the request plus server-side fields."""
        kind = view["type"]
        return {
            "id": view_id,
            "team_id": self.identity.team_id,
            "type": kind,
            **({"title": view.get("title")} if kind == "modal" else {}),
            "submit": view.get("submit") if kind == "modal" else None,
            "close": view.get("close") if kind == "modal" else None,
            "blocks": self._with_ids(view["blocks"]),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{self.ids.new('', 8)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "submit_disabled": bool(view.get("submit_disabled", False)),
            "app_id": self.identity.app_id,
            "app_installed_team_id": self.identity.team_id,
            "bot_id": self.identity.bot_id,
        }

    def _with_ids(self, blocks: list[Any]) -> list[Any]:
        """Copy of ``blocks`` with the block_ids and action_ids Slack generates when omitted."""
        filled = copy.deepcopy(blocks)
        for block in filled:
            block.setdefault("block_id", self.ids.short())
            if block.get("type") not in _INTERACTIVE:
                continue
            elements = block.get("elements") or [block.get("element"), block.get("accessory")]
            for element in elements:
                if isinstance(element, dict) and _is_interactive(element):
                    element.setdefault("action_id", self.ids.short())
        return filled


def _is_interactive(element: Mapping[str, Any]) -> bool:
    return element.get("type") not in (None, "image", "plain_text", "mrkdwn")


def _parse_ack(body: Any) -> dict[str, Any] | None:
    """Bolt's ack body: empty string for a plain ack, else JSON text (or a dict already)."""
    if body is None or body in ("", b""):
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    try:
        parsed = json.loads(body)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None
