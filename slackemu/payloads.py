"""What Slack's client sends an app: view state from a user's answers, the raw request
bodies of commands, interactions and events, and their signatures.

Pure functions over plain dicts (the views the emulator stored, the messages it
shows); ``driver.py`` ties them to a running emulator.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from slackemu.state import MembersChange

StateValues = dict[str, dict[str, dict[str, Any]]]

# element type -> (key in view.state.values, key of its initial value in the element)
VALUE_KEYS: dict[str, tuple[str, str]] = {
    "plain_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "static_select": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "multi_static_select": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "rich_text_input": ("rich_text_value", "initial_value"),
    "file_input": ("files", "initial_files"),
}


@dataclass(frozen=True)
class Field:
    """One stateful element of a view, in the order the user sees it."""

    block_id: str
    action_id: str
    type: str
    label: str  # the input block's label, or "" outside input blocks
    optional: bool
    element: dict[str, Any]


def input_fields(view: Mapping[str, Any]) -> list[Field]:
    """The elements whose value lands in ``view.state.values``, top to bottom."""
    return [field for _, field in _fields(view.get("blocks") or [])]


def fill_state(view: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> StateValues:
    """``view.state.values`` after a user answered ``answers``; the rest keep initial values.

    ``answers`` is keyed by an input block's block_id or by any element's action_id.
    Values: a string for text and number inputs; an option ``value`` (or its text, or an
    option dict) for selects, radio buttons and checkboxes, a list of them for multi
    selects; user, conversation or channel ids; ``None`` clears a field.
    """
    answers = dict(answers or {})
    values: StateValues = {}
    for block, field in _fields(view.get("blocks") or []):
        names = [field.action_id]
        if block.get("type") == "input":
            names.insert(0, field.block_id)  # an input block holds one element: its name
        key = next((name for name in names if name in answers), None)
        if key is not None:
            state = state_value(field.element, answers.pop(key))
        else:
            state = state_value(field.element, _initial(field.element))
        values.setdefault(field.block_id, {})[field.action_id] = state
    if answers:
        fields = input_fields(view)
        known = sorted({f.block_id for f in fields} | {f.action_id for f in fields})
        raise KeyError(f"no field for {sorted(answers)}; fields are {known}")
    return values


def state_value(element: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    """``{"type": ..., <value key>: ...}`` for one element holding ``answer``."""
    kind = str(element.get("type"))
    key, _ = VALUE_KEYS[kind]
    multi = key.endswith("s")  # selected_options, selected_users, ..., files
    if answer is None:
        return {"type": kind, key: [] if multi else None}
    if multi and isinstance(answer, str | Mapping):
        answer = [answer]  # one choice given for a multi-choice element
    if key in ("selected_option", "selected_options"):
        chosen = [_option(element, a) for a in (answer if multi else [answer])]
        return {"type": kind, key: chosen if multi else chosen[0]}
    if key == "value":
        return {"type": kind, key: str(answer)}
    if key == "rich_text_value" and isinstance(answer, str):
        return {"type": kind, key: _rich_text(answer)}
    return {"type": kind, key: list(answer) if multi else answer}


def _fields(blocks: Sequence[Any]) -> Iterator[tuple[dict[str, Any], Field]]:
    for block in blocks:
        kind = block.get("type")
        if kind == "input":
            elements = [block.get("element")]
        elif kind == "section":
            elements = [block.get("accessory")]
        elif kind == "actions":
            elements = list(block.get("elements") or [])
        else:
            continue
        for element in elements:
            if isinstance(element, dict) and element.get("type") in VALUE_KEYS:
                label = (block.get("label") or {}).get("text", "") if kind == "input" else ""
                yield (
                    block,
                    Field(
                        block_id=str(block.get("block_id", "")),
                        action_id=str(element.get("action_id", "")),
                        type=str(element["type"]),
                        label=label,
                        optional=bool(block.get("optional", False)),
                        element=element,
                    ),
                )


def _initial(element: Mapping[str, Any]) -> Any:
    return element.get(VALUE_KEYS[str(element.get("type"))][1])


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _option(element: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    if isinstance(answer, Mapping):
        return dict(answer)
    offered = _options(element)
    for option in offered:
        if answer in (option.get("value"), (option.get("text") or {}).get("text")):
            return dict(option)
    if element.get("type") in ("external_select", "multi_external_select"):
        # External options come from the app at run time; the answer stands for itself.
        return {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)}
    choices = [option.get("value") for option in offered]
    raise ValueError(f"{answer!r} is not one of the options {choices}")


def _rich_text(text: str) -> dict[str, Any]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"type": "rich_text", "elements": [section]}


# -- request bodies ---------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """Who is acting where: the parts every payload repeats."""

    team_id: str
    api_app_id: str
    user_id: str
    user_name: str = ""
    team_domain: str = "groupbot-dev"
    user_team: str | None = None  # an external user's own team (a shared channel)

    def user(self) -> dict[str, Any]:
        name = self.user_name or self.user_id
        team = self.user_team or self.team_id
        return {"id": self.user_id, "username": name, "name": name, "team_id": team}

    def team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}


def slash_command_body(
    ctx: Context,
    command: str,
    text: str,
    *,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    channel_name: str = "",
) -> str:
    """The form body Slack posts for ``/command text``."""
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": ctx.team_id,
            "team_domain": ctx.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name or channel_id,
            "user_id": ctx.user_id,
            "user_name": ctx.user_name or ctx.user_id,
            "command": command,
            "text": text,
            "api_app_id": ctx.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction_body(payload: Mapping[str, Any]) -> str:
    """Interactivity requests are a form with one field, ``payload``, holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def action_payload(
    element: Mapping[str, Any], block_id: str, answer: Any, at: float
) -> dict[str, Any]:
    """One entry of ``actions[]`` for the user operating ``element``."""
    action: dict[str, Any] = {
        "type": element.get("type"),
        "action_id": element.get("action_id"),
        "block_id": block_id,
        "action_ts": f"{at:.6f}",
    }
    if element.get("type") == "button":
        action["text"] = element.get("text")
        action.update({k: element[k] for k in ("value", "style") if k in element})
    elif element.get("type") == "overflow":
        action["selected_option"] = _option(element, answer)
    elif element.get("type") in VALUE_KEYS:
        action.update({k: v for k, v in state_value(element, answer).items() if k != "type"})
    return action


def find_element(blocks: Sequence[Any], action_id: str) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the interactive element with ``action_id``."""
    for block in blocks:
        candidates = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    raise KeyError(f"no element with action_id {action_id!r}")


def block_actions_payload(
    ctx: Context,
    action: Mapping[str, Any],
    *,
    trigger_id: str,
    view: Mapping[str, Any] | None = None,
    message: Mapping[str, Any] | None = None,
    channel_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload: from a view (modal/home) or from a message."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": ctx.user(),
        "api_app_id": ctx.api_app_id,
        "token": "verification-token-unused",
        "trigger_id": trigger_id,
        "team": ctx.team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [dict(action)],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        payload["view"] = dict(view)
    if message is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": bool(message.get("ephemeral_to")),
        }
        payload["channel"] = {"id": channel_id, "name": channel_id}
        payload["message"] = dict(message)
        payload["state"] = {"values": fill_state({"blocks": message.get("blocks") or []})}
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission_payload(
    ctx: Context, view: Mapping[str, Any], values: StateValues, *, trigger_id: str
) -> dict[str, Any]:
    """A ``view_submission`` carrying ``view`` (with its id and hash) filled with ``values``."""
    submitted = {**view, "state": {"values": values}}
    return {
        "type": "view_submission",
        "team": ctx.team(),
        "user": ctx.user(),
        "api_app_id": ctx.api_app_id,
        "token": "verification-token-unused",
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed_payload(
    ctx: Context, view: Mapping[str, Any], *, is_cleared: bool = False
) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": ctx.team(),
        "user": ctx.user(),
        "api_app_id": ctx.api_app_id,
        "view": dict(view),
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
    }


def app_home_opened_body(
    ctx: Context, *, bot_user_id: str, at: float, view: Mapping[str, Any] | None = None
) -> str:
    """The Events API JSON for the user opening the app's Home tab."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": ctx.user_id,
        "channel": "D" + ctx.user_id[1:],
        "tab": "home",
        "event_ts": f"{at:.6f}",
    }
    if view is not None:
        event["view"] = dict(view)
    return event_callback_body(
        ctx.team_id,
        ctx.api_app_id,
        event,
        bot_user_id=bot_user_id,
        event_id=f"Ev{int(at)}{ctx.user_id}",
        at=at,
    )


def subteam_members_changed_body(
    team_id: str, api_app_id: str, change: MembersChange, *, bot_user_id: str, event_id: str
) -> str:
    """The Events API JSON for users added to or removed from a user group: only the
    difference, no snapshot of the group (Slack's ``subteam_updated`` carries that)."""
    event: dict[str, Any] = {
        "type": "subteam_members_changed",
        "subteam_id": change.usergroup_id,
        "team_id": team_id,
        "date_previous_update": change.previous_update,
        "date_update": change.update,
        "added_users": list(change.added),
        # numbers, as Slack really sends them (its documentation's example shows strings)
        "added_users_count": len(change.added),
        "removed_users": list(change.removed),
        "removed_users_count": len(change.removed),
        "event_ts": f"{change.update}.000000",
    }
    return event_callback_body(
        team_id,
        api_app_id,
        event,
        bot_user_id=bot_user_id,
        event_id=event_id,
        at=change.update,
    )


def event_callback_body(
    team_id: str,
    api_app_id: str,
    event: Mapping[str, Any],
    *,
    bot_user_id: str,
    event_id: str,
    at: float,
) -> str:
    """The Events API envelope every event arrives in (``type: event_callback``)."""
    return json.dumps(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "api_app_id": api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(at),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


# -- signatures -------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SignedRequest:
    """A request body with the headers Slack would send, signature included."""

    body: str
    headers: dict[str, str]

    def to_bolt(self) -> BoltRequest:
        """For ``app.dispatch(...)``: Bolt verifies the signature like a real request."""
        headers: dict[str, str | Sequence[str]] = dict(self.headers)
        return BoltRequest(body=self.body, headers=headers)


class Signer:
    """Signs bodies with the app's signing secret, as Slack does (v0 HMAC-SHA256)."""

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._clock = clock

    def sign(
        self, body: str, content_type: str = FORM, *, timestamp: int | None = None
    ) -> SignedRequest:
        stamp = str(int(self._clock()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=stamp, body=body)
        assert signature is not None  # None only comes back for a missing timestamp
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": signature,
        }
        return SignedRequest(body, headers)
