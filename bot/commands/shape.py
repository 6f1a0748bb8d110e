"""The shape of what Slack sends, checked before anything of Bolt's or ours reads it.

Bolt reads a payload in many places before a listener runs (its authorization, the
arguments it builds for every middleware, listener and error handler, its listener
matchers), each assuming Slack's shape: ``actions`` a list of objects, ``view`` and
``event`` objects, and so on. A signed payload of another shape (garbled, or forged by
someone holding the signing secret) made them raise: a 400 over HTTP, an exception in
Socket Mode and the shell, or our error path with a bug's reference. Two steps keep it
off the bug path:

- ``ShapeCheck`` runs right after Bolt's signature check, before its authorization. A
  malformed payload that does not name a user who could be answered gets a plain 400
  (over Socket Mode: an acknowledgement, so that Slack does not deliver it again).
  One that does (a button, a submission, a command) has its body replaced by the least
  Bolt needs (who, where, and a submitted view's blocks) and is marked with what is wrong.
- ``RefuseMarked``, a middleware of ours that runs after authorization (so the reply
  has the workspace's token), raises the mark as a ``UserError``: the one error path
  (``errors``) shows it like any refusal, under the form's first input, as a command's
  ephemeral reply, or to the user directly.

The values inside a form's state are checked where they are read (``views.state``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.errors import UserError

log = logging.getLogger(__name__)

MARK = "groupbot_malformed"  # context key: why ShapeCheck refused the request

# Requests a person made and waits on an answer for ("command": a slash command, which
# has no type); other kinds get a plain 400.
ANSWERED = frozenset({"block_actions", "view_submission", "command"})
# Interactions, which carry their user as an object
PERSONAL = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
TEXTS = (
    "token",
    "api_app_id",
    "trigger_id",
    "team_id",
    "user_id",
    "channel_id",
    "enterprise_id",
    "callback_id",
    "text",
)
OBJECTS = ("team", "enterprise", "channel", "container", "message", "state")
_ID = re.compile(r"[A-Z0-9]{1,64}")
SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,63}")  # Slack's user ids (W: Enterprise Grid)
_URL = re.compile(r"https?://\S{1,2000}")


class Malformed(UserError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"This request is malformed: {what}. Nothing was changed; "
            "if it came from a form or a button, open it again from /group."
        )


class ShapeCheck(Middleware):
    """A Bolt ``Middleware`` object, not a function: Bolt builds a function middleware's
    arguments from the body, which is what fails on these shapes."""

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        _read_form_again(req)
        body = req.body
        what = problem(body)
        if what is None:
            return next()
        user = user_of(body)
        kind = ("command" if "command" in body else body.get("type")) if user else None
        if user is None or kind not in ANSWERED:
            log.warning("refused a malformed request: %s", what)
            # Over Socket Mode the only answer is the acknowledgement; without one, Slack
            # delivers the envelope again.
            status = 200 if req.mode == "socket_mode" else 400
            return BoltResponse(status=status, body="" if status == 200 else "malformed request")
        req.body = _minimal(body, kind, user)
        req.context["user_id"] = user
        url = body.get("response_url")
        req.context["response_url"] = url if _is_url(url) else None
        req.context.pop("respond", None)  # built from the old response_url, if at all
        req.context[MARK] = what
        return next()


def _read_form_again(req: BoltRequest) -> None:
    """Bolt reads any form body that contains the word "payload" anywhere (a command's
    text, a user's name) as an interactive payload, finds no ``payload`` field, and leaves
    the body empty: ``/group show payload`` would go unanswered. Read such a body as the
    form it is; its context comes from Bolt's own constructor, given the fields."""
    raw = req.raw_body
    if req.body or not raw or raw.startswith("{") or "payload" not in raw:
        return
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if not fields or "payload" in fields:
        return
    req.body = fields
    read = BoltRequest(body=fields, headers=req.headers, mode="socket_mode").context
    for key, value in read.items():
        req.context.setdefault(key, value)


class RefuseMarked(Middleware):
    """Raises ``ShapeCheck``'s mark, among our middleware (after authorization)."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        what = req.context.get(MARK)
        if what:
            raise Malformed(str(what))
        return next()


# ---------------------------------------------------------------- the checks


def problem(body: object) -> str | None:
    """What is wrong with the shape of ``body``, in a few words; None when nothing is."""
    if not isinstance(body, Mapping):
        return "it is not an object"
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "its type is not a text"
    for key in TEXTS:
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"its {key} is not a text"
    for key in OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], Mapping):
            return f"its {key} is not an object"
    if body.get("response_url") is not None and not _is_url(body["response_url"]):
        return "its response_url is not a URL"
    if "command" in body:
        if kind is not None or not isinstance(body["command"], str):
            return "it is not a slash command Slack would send"
        return None if user_of(body) else "it does not say who sent it"
    if kind in PERSONAL and (user_of(body) is None or not isinstance(body.get("user"), Mapping)):
        return "it does not say who sent it"
    if kind == "block_actions":
        return _actions_problem(body.get("actions")) or (
            _view_problem(body["view"]) if body.get("view") is not None else None
        )
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body.get("view"))
    if kind == "event_callback":
        return _event_problem(body.get("event"))
    return None


def _actions_problem(actions: object) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "its actions are not a list of actions"
    for action in actions:
        if not isinstance(action, Mapping) or not isinstance(action.get("action_id"), str):
            return "one of its actions has no action_id"
        for key in ("block_id", "value", "type"):
            if action.get(key) is not None and not isinstance(action[key], str):
                return f"the {key} of one of its actions is not a text"
    return None


def _view_problem(view: object) -> str | None:
    if not isinstance(view, Mapping):
        return "its view is not an object"
    if view.get("type") not in ("modal", "home"):
        return "its view is neither a modal nor a Home tab"
    for key in ("id", "hash", "callback_id", "private_metadata"):
        if view.get(key) is not None and not isinstance(view[key], str):
            return f"its view's {key} is not a text"
    if not isinstance(view.get("callback_id", ""), str):
        return "its view has no callback_id"
    blocks = view.get("blocks")
    if blocks is not None and (
        not isinstance(blocks, list) or not all(isinstance(b, Mapping) for b in blocks)
    ):
        return "its view's blocks are not a list of blocks"
    state = view.get("state")
    if state is None:
        return None
    values = state.get("values", {}) if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        return "its view's state is not an object"
    for block in values.values():
        inputs = block.values() if isinstance(block, Mapping) else [None]
        if not all(isinstance(element, Mapping) for element in inputs):
            return "its view's state is not a set of inputs"
    return None


def _event_problem(event: object) -> str | None:
    if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
        return "its event is not an object with a type"
    for key in ("user", "tab", "channel"):
        if event.get(key) is not None and not isinstance(event[key], str):
            return f"its event's {key} is not a text"
    if event.get("view") is not None and not isinstance(event["view"], Mapping):
        return "its event's view is not an object"
    return None


def user_of(body: object) -> str | None:
    """The Slack user a payload names, when it names one plainly."""
    if not isinstance(body, Mapping):
        return None
    user = body.get("user")
    found = user.get("id") if isinstance(user, Mapping) else body.get("user_id")
    return found if isinstance(found, str) and SLACK_USER.fullmatch(found) else None


def _is_url(value: object) -> bool:
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def _minimal(body: Mapping[str, Any], kind: str, user: str) -> dict[str, Any]:
    """The least of ``body`` Bolt and the error path need to answer ``user``."""
    kept: dict[str, Any] = {}
    team = body.get("team")
    team_id = team.get("id") if isinstance(team, Mapping) else body.get("team_id")
    if isinstance(team_id, str) and _ID.fullmatch(team_id):
        kept["team"] = {"id": team_id}
        kept["team_id"] = team_id
    if _is_url(body.get("response_url")):
        kept["response_url"] = body["response_url"]
    if kind == "command":
        return {**kept, "command": "", "text": "", "user_id": user}
    kept |= {"type": kind, "user": {"id": user}}
    if kind == "view_submission":
        view = body.get("view")
        blocks = view.get("blocks") if isinstance(view, Mapping) else None
        if not isinstance(blocks, list) or not all(isinstance(b, Mapping) for b in blocks):
            blocks = []
        kept["view"] = {"type": "modal", "callback_id": "", "blocks": blocks}
    return kept
