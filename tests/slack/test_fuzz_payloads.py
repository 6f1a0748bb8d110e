"""Forged payloads through the real app over HTTP: real requests the app's own modals,
messages and Home produced (buttons, selects, submissions, a closed modal, App Home, a
slash command, a shortcut), changed by hypothesis (keys dropped, values of other types
and sizes, other action ids, users and private_metadata) and signed with the app's
secret.

Each one must be answered (200 with a readable answer, 400 for a shape that names no
one, 404 for a kind no listener takes) within 2 s, and nothing may take the bug path:
no ERROR in the log, no "Something went wrong" anywhere in the workspace.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.ids import Action, Block, Callback
from slackemu.payloads import (
    JSON,
    app_home_opened_body,
    interaction_body,
    view_closed_payload,
)
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, LEAD, MEMBER, OUTSIDER, Slack, named, settle
from tests.slack.forged import BUG, bug_traces, payload_of
from tests.slack.shown import error_text

pytestmark = pytest.mark.slow

EXAMPLES = 300
# A request not answered within this never would be; how fast each is answered is measured
# in benchmarks (bench_slack.py), not asserted: a shared machine stalls for reasons of its own.
SLOWEST = 20.0


@dataclass(frozen=True)
class Seed:
    """A real request, as a dict to change: ``kind`` says how it is sent."""

    name: str
    kind: str  # "interaction", "event" or "command"
    payload: dict[str, Any]
    view_id: str | None = None


def seeds(slack: Slack) -> list[Seed]:
    """Every kind of request the app answers, as the app's own views made them."""
    slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>")
    slack.reply(f"create Support 202 <@{MEMBER}|carol>")
    found: list[Seed] = []

    def press(view: dict[str, Any], action_id: str, name: str, answer: Any = None) -> None:
        request = slack.driver.press_in_view(view["id"], action_id, user_id=ADMIN, answer=answer)
        found.append(Seed(name, "interaction", payload_of(request), view["id"]))

    def submit(view: dict[str, Any], name: str) -> None:
        request = slack.driver.submit(view["id"], user_id=ADMIN)
        found.append(Seed(name, "interaction", payload_of(request), view["id"]))

    members = slack.open_modal("members Sales")
    press(members, Action.DISTRIBUTE, "distribute")
    press(members, Action.MEMBERS_SELECT, "members select", named(ADMIN, LEAD, MEMBER))
    submit(members, "members submit")
    features = slack.open_modal("features Sales")
    press(features, Action.RECORDING_TOGGLE, "recording toggle", ["on"])
    press(features, Action.PREPEND_TOGGLE, "prepend toggle", ["on"])
    submit(features, "features submit")
    submit(slack.open_modal("edit Sales"), "settings submit")
    submit(slack.open_modal("create"), "create submit")
    submit(slack.open_modal("setup"), "setup submit")
    closed = view_closed_payload(slack.driver._context(ADMIN), features)
    found.append(Seed("view closed", "interaction", closed, features["id"]))

    for command, action_id in (
        ("list", Action.SHOW),
        ("show Support", Action.SIMULATE),
        ("show Support", Action.EDIT),
        ("show Support", Action.MEMBERS),
    ):
        shown = slack.reply(command)
        message = {**shown, "channel": CHANNEL, "ts": "1700000000.000100"}
        element = _button(shown, action_id)
        request = slack.driver.press_in_message(message, element["action_id"], user_id=ADMIN)
        found.append(Seed(f"message {action_id}", "interaction", payload_of(request)))

    ctx = slack.driver._context(ADMIN)
    home = json.loads(app_home_opened_body(ctx, bot_user_id="U0GROUPBOT", at=time.time()))
    found.append(Seed("app home", "event", home))
    command = slack.driver.slash_command("show Sales", user_id=ADMIN, channel_id=CHANNEL)
    found.append(Seed("command", "command", dict(parse_qsl(command.body))))
    shortcut = {
        "type": "shortcut",
        "callback_id": "group_shortcut",
        "trigger_id": "",
        "user": ctx.user(),
        "team": ctx.team(),
        "api_app_id": ctx.api_app_id,
        "token": "verification-token-unused",
    }
    found.append(Seed("shortcut", "interaction", shortcut))
    return found


def _button(message: dict[str, Any], base: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        elements = [block.get("accessory"), *(block.get("elements") or [])]
        for element in elements:
            if isinstance(element, dict) and str(element.get("action_id", "")).startswith(base):
                return element
    raise LookupError(f"no {base} button in {message}")


# ---------------------------------------------------------------- mutations

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
NUMBERISH = st.one_of(
    st.integers(min_value=1, max_value=5000).map(lambda n: "9" * n),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["1e999", "-0", "0x10", "½", "NaN", "1.5", " 7 ", ""]),
)
TEXTS = st.one_of(st.text(max_size=300), NUMBERISH, st.just("x" * 20_000))
IDS = st.sampled_from([str(a) for a in Action] + [str(c) for c in Callback] + ["", "x:y:z"])
USERS = st.sampled_from([ADMIN, LEAD, MEMBER, OUTSIDER, "U0NOBODY", "", "<!channel>", "u" * 300])
META_KEYS = ["opener", "group_id", "version", "ref", "name", "channel_id", "generation"]
METADATA = st.one_of(
    st.text(max_size=60),
    st.dictionaries(st.sampled_from(META_KEYS), JSON_VALUES).map(json.dumps),
)


def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys, list indexes)."""
    found = [here] if here else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:20]):
            found += paths(inner, (*here, index))
    return found


def _parent(payload: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        payload = payload[step]
    return payload


def drop(payload: Any, path: tuple[Any, ...], data: st.DataObject) -> None:
    parent = _parent(payload, path)
    del parent[path[-1]]


def replace(payload: Any, path: tuple[Any, ...], data: st.DataObject) -> None:
    _parent(payload, path)[path[-1]] = data.draw(JSON_VALUES | TEXTS, label="value")


def retext(payload: Any, path: tuple[Any, ...], data: st.DataObject) -> None:
    """A state value, action id, user id or metadata: another value of Slack's type."""
    key = path[-1]
    if key in ("action_id", "block_id", "callback_id", "value"):
        new: Any = data.draw(IDS | TEXTS, label="id")
    elif key in ("id", "user_id", "user", "opener"):
        new = data.draw(USERS, label="user")
    elif key == "private_metadata":
        new = data.draw(METADATA, label="metadata")
    elif key in ("selected_users", "initial_users"):
        new = data.draw(st.lists(USERS, max_size=20), label="users")
    else:
        new = data.draw(TEXTS, label="text")
    _parent(payload, path)[key] = new


MUTATIONS: list[Callable[[Any, tuple[Any, ...], st.DataObject], None]] = [drop, replace, retext]


def mutate(seed: Seed, slack: Slack, data: st.DataObject) -> dict[str, Any]:
    payload = json.loads(json.dumps(seed.payload))
    # a fresh trigger and response_url, as Slack would issue with each request
    for key, fresh in (
        ("trigger_id", slack.emu.issue_trigger_id(ADMIN, seed.view_id)),
        ("response_url", slack.emu.issue_response_url(CHANNEL, ADMIN)),
    ):
        if key in payload:
            payload[key] = fresh
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        found = paths(payload)
        if not found:
            break
        # the values groupbot reads are likelier to be picked than Slack's bookkeeping
        focus = [p for p in found if set(p) & READ]
        path = data.draw(st.sampled_from(focus or found), label="path")
        data.draw(st.sampled_from(MUTATIONS), label="how")(payload, path, data)
    return payload


READ = {
    "values",
    "private_metadata",
    "actions",
    "user",
    "user_id",
    "view",
    "event",
    "text",
    "command",
    "callback_id",
    "selected_option",
    "selected_options",
    "selected_users",
    *[str(b) for b in Block],
}


def send(slack: Slack, seed: Seed, payload: dict[str, Any]) -> live.Reply:
    if seed.kind == "event":
        return slack.send(slack.driver.signer.sign(json.dumps(payload), JSON))
    if seed.kind == "command":
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        return slack.send(slack.driver.signer.sign(urlencode(fields)))
    return slack.send(slack.driver.signer.sign(interaction_body(payload)))


def check_answer(seed: Seed, payload: dict[str, Any], reply: live.Reply) -> None:
    assert reply.seconds < SLOWEST, (seed.name, reply.seconds)
    if reply.status == 404:
        assert "unhandled request" in reply.text, reply.text  # no listener for that kind
        return
    assert reply.status in (200, 400), (seed.name, reply.status, reply.text[:300])
    assert BUG not in reply.text, (seed.name, payload)
    if reply.status != 200 or not reply.body:
        return
    answer = reply.json()
    if answer.get("response_action") == "errors":
        assert answer["errors"]
        assert all(isinstance(t, str) and t for t in answer["errors"].values())
    elif answer.get("response_action") == "update":
        assert error_text(answer["view"]), answer
    else:  # a command's ephemeral reply
        assert answer.get("text"), answer


@pytest.fixture
def world(slack: Slack, caplog: pytest.LogCaptureFixture) -> Iterator[tuple[Slack, list[Seed]]]:
    caplog.set_level(logging.WARNING)
    yield slack, seeds(slack)
    settle(0.5)  # the last example's work after its ack
    assert bug_traces(slack, caplog.records) == []


@settings(
    max_examples=EXAMPLES,
    deadline=None,  # the 2 s bound is asserted per request
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_forged_payloads_never_take_the_bug_path(
    world: tuple[Slack, list[Seed]], caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    slack, found = world
    seed = data.draw(st.sampled_from(found), label="seed")
    payload = mutate(seed, slack, data)
    reply = send(slack, seed, payload)
    check_answer(seed, payload, reply)
    settle(0.02)  # most post-ack work is done by now; the rest is checked at the next draw
    assert bug_traces(slack, caplog.records) == [], (seed.name, json.dumps(payload)[:2000])


def test_the_seeds_unchanged_are_not_refused(world: tuple[Slack, list[Seed]]) -> None:
    """The real requests the fuzz test starts from are answered as usual: it does not pass
    because everything is refused as malformed."""
    slack, found = world
    for seed in found:
        reply = send(slack, seed, seed.payload)
        assert reply.status in (200, 404), (seed.name, reply.status)
    settle(0.5)
    assert [t for t in _told(slack) if "malformed" in t] == []


def _told(slack: Slack) -> list[str]:
    texts = []
    for call in slack.emu.calls():
        text = error_text(call.args) if isinstance(call.args, dict) else None
        if text:
            texts.append(text)
    return texts
