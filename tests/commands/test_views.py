"""The Block Kit builders and state readers, asserted on what a user would see.

No mocks: each builder is called with engine objects and its dicts are checked against
Slack's Block Kit schema (shared/slack/block-kit.schema.json) plus the cross-block rules
the schema leaves out (unique block_ids and action_ids, block counts).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import BoltRequest

from bot.commands import ids, routes, views
from bot.commands.ids import Action, Block, Callback
from bot.commands.views.timeline import TimelineEntry, bar, timeline_lines
from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Features, Group, Member
from bot.engine.validation import GroupRejected, parse_group
from bot.errors import FieldErrors
from bot.services import AccountBinding, GroupView, History, Revision, SaveResult
from tests.shared_files import require_shared, shared_dir

# ---------------------------------------------------------------- schema checks


def test_the_block_kit_schema_is_at_hand() -> None:
    """The one check that needs ../shared (the others check the content without it):
    skipped, saying why, where the schema is absent."""
    pytest.importorskip("jsonschema")
    pytest.importorskip("referencing")
    require_shared("slack", "block-kit.schema.json")
    assert _validators() is not None


@pytest.fixture(scope="module")
def schema() -> Any:
    """Block Kit's schema validators, or None where ../shared or jsonschema is absent:
    then only the content and the cross-block rules are checked."""
    return _validators()


def _validators() -> dict[str, Any] | None:
    try:
        import jsonschema
        import referencing
    except ImportError:
        return None
    base_dir = shared_dir()
    path = None if base_dir is None else base_dir / "slack" / "block-kit.schema.json"
    if path is None or not path.exists():
        return None
    document = json.loads(path.read_text(encoding="utf-8"))
    base = document["$id"]
    registry = referencing.Registry().with_resource(
        base, referencing.Resource.from_contents(document)
    )

    def validator(ref: str) -> Any:
        return jsonschema.Draft202012Validator({"$ref": base + ref}, registry=registry)

    return {
        "modal": validator("#/$defs/modal_view"),
        "home": validator("#/$defs/home_view"),
        "blocks": validator(""),
    }


def _elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        if "element" in block:
            yield block["element"]
        yield from block.get("elements", ())
        if "accessory" in block:
            yield block["accessory"]


def _cross_block(blocks: list[dict[str, Any]]) -> list[str]:
    problems = []
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"duplicate block_id in {block_ids}")
    for one in blocks:  # Slack asks action_ids to be unique within their block
        action_ids = [e["action_id"] for e in _elements([one]) if "action_id" in e]
        if len(action_ids) != len(set(action_ids)):
            problems.append(f"duplicate action_id in {action_ids}")
    for block in blocks:
        if block["type"] == "input" and "action_id" not in block["element"]:
            problems.append(f"input {block.get('block_id')} has no action_id")
        if block["type"] == "input" and "block_id" not in block:
            problems.append(f"input {block['label']['text']!r} has no block_id")
    return problems


def check_view(schema: Any, view: dict[str, Any]) -> list[str]:
    problems = [] if schema is None else [e.message for e in schema[view["type"]].iter_errors(view)]
    return problems + _cross_block(view["blocks"])


def check_message(schema: Any, message: Mapping[str, Any]) -> list[str]:
    blocks = message["blocks"]
    problems = [] if schema is None else [e.message for e in schema["blocks"].iter_errors(blocks)]
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks in a message")
    if not message["text"]:
        problems.append("no fallback text")
    return problems + _cross_block(blocks)


# ---------------------------------------------------------------- data

PBX = {"alice": "a" * 32, "bob": "b" * 32, "carol": "c" * 32}
SLACK = {PBX["alice"]: "U0ALICE", PBX["bob"]: "U0BOB"}
NAMES = {PBX["alice"]: "Alice Smith", PBX["bob"]: "Bob Jones", PBX["carol"]: "Carol Ng"}
WHEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def make_group(**changes: Any) -> Group:
    data: dict[str, Any] = {
        "name": "Sales",
        "extension": "201",
        "numbers": ["+14155550123"],
        "extra_extensions": ["2010"],
        "members": [
            {"user_id": PBX["alice"], "start": 0, "end": 20},
            {"user_id": PBX["bob"], "start": 20, "end": 40},
            {"user_id": PBX["carol"], "start": 10, "end": 30},
        ],
    }
    data.update(changes)
    return parse_group(data)


def make_view(group: Group | None = None, group_id: int = 7, **changes: Any) -> GroupView:
    fields: dict[str, Any] = {
        "id": group_id,
        "pbx": PbxIds(
            group_id="1" * 32,
            base_callflow_id="2" * 32,
            user_callflow_id="3" * 32,
            base_number="x" * 25,
        ),
        "group": group or make_group(),
        "version": 3,
        "created_by": "U0LEAD",
        "leads": frozenset({"U0LEAD"}),
        "updated_at": WHEN,
        "updated_by": "U0LEAD",
        "pbx_pending": False,
        "member_names": NAMES,
    }
    fields.update(changes)
    return GroupView(**fields)


META = views.ModalMeta(opener="U0ADMIN", channel_id="C0CHAN")


def group_meta(view: GroupView | None = None) -> views.ModalMeta:
    return views.ModalMeta.for_group(view or make_view(), "U0ADMIN", "C0CHAN")


def blocks_of(surface: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(surface["blocks"])


def block(surface: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in blocks_of(surface) if b.get("block_id") == block_id)


def all_text(surface: Mapping[str, Any]) -> str:
    return json.dumps(surface, ensure_ascii=False)


def input_ids(view: Mapping[str, Any]) -> list[str]:
    return [b["block_id"] for b in blocks_of(view) if b["type"] == "input"]


def state_entry(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    key = {
        "multi_users_select": "selected_users",
        "static_select": "selected_option",
        "checkboxes": "selected_options",
        "multi_static_select": "selected_options",
        "conversations_select": "selected_conversation",
    }.get(kind, "value")
    return {"type": kind, key: value}


def submitted(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """state.values as Slack would send them: every input block, typed or initial values."""
    values: dict[str, Any] = {}
    for b in blocks_of(view):
        if b["type"] != "input":
            continue
        element = b["element"]
        if b["block_id"] in answers:
            value = answers[b["block_id"]]
        elif "initial_value" in element:
            value = element["initial_value"]
        elif "initial_users" in element:
            value = element["initial_users"]
        elif "initial_option" in element:
            value = element["initial_option"]
        elif "initial_options" in element:
            value = element["initial_options"]
        elif "initial_conversation" in element:
            value = element["initial_conversation"]
        else:
            value = [] if element["type"].startswith(("multi", "checkboxes")) else None
        values[b["block_id"]] = {element["action_id"]: state_entry(element, value)}
    return values


# ---------------------------------------------------------------- ids


def test_ids_are_unique_within_each_kind() -> None:
    for kind in (Callback, Block, Action):
        values = [member.value for member in kind]
        assert len(values) == len(set(values)), kind


def test_routes_send_bare_and_per_group_ids_to_their_listener_and_exact_ids_only_as_is() -> None:
    heard: list[str] = []
    table = routes.Routes(routes.action_id)
    table.add(Action.SHOW, lambda request: heard.append("show"))
    table.add(Action.CREATE, lambda request: heard.append("create"), exact=True)
    pattern, route = table.pattern(), table.listener()

    assert pattern.match("group_show")
    assert pattern.match(ids.group_action_id(Action.SHOW, 12))
    assert pattern.match(Action.CREATE)
    assert not pattern.match("group_show_more")
    assert not pattern.match(ids.group_action_id(Action.CREATE, 12))
    assert not pattern.search(f"{Action.CREATE}\n")  # Bolt searches: "$" would match
    for pressed in (ids.group_action_id(Action.SHOW, 12), Action.CREATE):
        route(BoltRequest(body=json.dumps({"actions": [{"action_id": pressed}]})))
    assert heard == ["show", "create"]
    with pytest.raises(ValueError, match="has a listener already"):
        table.add(Action.SHOW, lambda request: None, exact=True)
    assert ids.base_of("member_end:2:U0ALICE") == Block.MEMBER_END


# ---------------------------------------------------------------- timeline bars


def test_bar_fills_the_cells_of_the_ring_window() -> None:
    assert bar(0, 20, 40, width=8) == "████░░░░"
    assert bar(20, 40, 40, width=8) == "░░░░████"
    assert bar(0, 1, 999, width=8) == "█░░░░░░░"  # a short window still shows


def test_timeline_has_a_line_per_member_on_one_scale() -> None:
    lines = timeline_lines([TimelineEntry("Alice Smith", 0, 20), TimelineEntry("Bob", 20, 40)], 8)
    assert lines[0].startswith(" " * len("Alice Smith") + "  0 s")
    assert lines[0].endswith("40 s")
    assert lines[1] == "Alice Smith  ████░░░░  0–20 s"
    assert lines[2] == "Bob          ░░░░████  20–40 s"


# ---------------------------------------------------------------- list and show


def test_list_shows_each_group_with_badges_and_a_show_button(schema: Any) -> None:
    recorded = make_group(features={"call_recording": {"enabled": True}})
    message = views.list_message([make_view(), make_view(recorded, group_id=8, version=1)])
    assert check_message(schema, message) == []
    sales = block(message, ids.suffixed(Block.GROUP, 7))
    assert "*Sales*" in sales["text"]["text"]
    assert "ext `201`" in sales["text"]["text"]
    assert "2010, +14155550123" in sales["text"]["text"]
    assert "3 members" in sales["text"]["text"]
    assert "🔴" not in sales["text"]["text"]
    assert "🔴 rec" in block(message, ids.suffixed(Block.GROUP, 8))["text"]["text"]
    assert sales["accessory"]["action_id"] == "group_show:7"
    ref = views.GroupRef.decode(sales["accessory"]["value"])
    assert ref == views.GroupRef(group_id=7, version=3, ref="201")


def test_list_stays_within_50_blocks_and_summarises_the_rest(schema: Any) -> None:
    many = [
        make_view(make_group(name=f"Team {i}", extension=f"{300 + i}"), group_id=i)
        for i in range(60)
    ]
    message = views.list_message(many)
    assert check_message(schema, message) == []
    assert len(message["blocks"]) == 50
    more = block(message, Block.MORE)["text"]["text"]
    assert more.startswith("…and 12 more: Team 48 (348)")


def test_list_without_groups_says_how_to_create_one(schema: Any) -> None:
    message = views.list_message([])
    assert check_message(schema, message) == []
    assert "/group create" in message["text"]


def test_show_has_the_timeline_features_and_buttons(schema: Any) -> None:
    message = views.show_message(make_view())
    assert check_message(schema, message) == []
    timeline = block(message, Block.TIMELINE)["text"]["text"]
    assert timeline.startswith("```")
    assert timeline.endswith("```")
    assert "Alice Smith  ████████████░░░░░░░░░░░░  0–20 s" in timeline
    assert "Bob Jones    ░░░░░░░░░░░░████████████  20–40 s" in timeline
    features = block(message, Block.FEATURES)["text"]["text"]
    assert "*Call recording* off" in features


def test_show_buttons_are_edit_members_features_simulate_delete() -> None:
    message = views.show_message(make_view())
    buttons = block(message, Block.GROUP_ACTIONS)["elements"]
    labels = [b["text"]["text"] for b in buttons]
    assert labels == ["Edit", "Members", "Features", "Simulate", "Delete"]
    assert {ids.base_of(b["action_id"]) for b in buttons} == {
        Action.EDIT,
        Action.MEMBERS,
        Action.FEATURES,
        Action.SIMULATE,
        Action.DELETE,
    }
    for b in buttons:
        assert views.GroupRef.decode(b["value"]).version == 3


def test_delete_button_is_danger_with_a_danger_confirm_dialog() -> None:
    message = views.show_message(make_view())
    delete = block(message, Block.GROUP_ACTIONS)["elements"][-1]
    assert delete["style"] == "danger"
    assert delete["confirm"]["style"] == "danger"
    assert delete["confirm"]["title"]["text"] == "Delete Sales?"
    assert delete["confirm"]["confirm"]["text"] == "Delete group"


def test_show_hides_changing_buttons_from_users_who_cannot_change() -> None:
    message = views.show_message(make_view(), can_change=False)
    labels = [b["text"]["text"] for b in block(message, Block.GROUP_ACTIONS)["elements"]]
    assert labels == ["Simulate"]


def test_show_names_features_and_pending_pbx(schema: Any) -> None:
    group = make_group(
        features={
            "call_recording": {"enabled": True, "format": "wav", "url": "https://rec.example"},
            "ringback": {"kind": "silence"},
            "allow_call_forward": True,
            "caller_id_prepend": {"enabled": True, "name_prefix": "Sales:"},
        }
    )
    message = views.show_message(make_view(group, pbx_pending=True))
    assert check_message(schema, message) == []
    features = block(message, Block.FEATURES)["text"]["text"]
    assert "🔴 *Call recording* on: wav, up to 600 s, sent to https://rec.example" in features
    assert "🔔 *Ringback*: silence" in features
    assert "↪ *Allow call-forward*: on" in features  # SmartPBX's words, not Kazoo's
    assert "🏷 *Caller ID prepend*: name “Sales:”" in features
    assert "PBX has not taken" in all_text(message)
    plain = block(views.show_message(make_view()), Block.FEATURES)["text"]["text"]
    assert "*Allow call-forward*: off" in plain
    assert "ignored" not in plain


def test_delete_prompt_has_the_confirmed_delete_button(schema: Any) -> None:
    message = views.delete_prompt(make_view())
    assert check_message(schema, message) == []
    (delete,) = block(message, Block.GROUP_ACTIONS)["elements"]
    assert delete["action_id"] == "group_delete:7"
    assert delete["confirm"]["style"] == "danger"


# ---------------------------------------------------------------- Create


def test_create_modal_has_the_four_inputs(schema: Any) -> None:
    view = views.create_modal(META)
    assert check_view(schema, view) == []
    assert view["callback_id"] == Callback.CREATE
    assert input_ids(view) == [Block.NAME, Block.EXTENSION, Block.MEMBERS, Block.NUMBERS]
    members = block(view, Block.MEMBERS)["element"]
    assert members["type"] == "multi_users_select"
    assert members["max_selected_items"] == 15
    assert block(view, Block.NUMBERS)["optional"] is True
    assert views.ModalMeta.decode(view["private_metadata"]) == META


def test_create_modal_prefills_members_as_initial_users(schema: Any) -> None:
    view = views.create_modal(META, name="Sales", slack_users=["U0ALICE", "U0BOB"])
    assert check_view(schema, view) == []
    assert block(view, Block.MEMBERS)["element"]["initial_users"] == ["U0ALICE", "U0BOB"]


def test_read_create_gives_what_parse_group_accepts() -> None:
    view = views.create_modal(META)
    state = submitted(
        view,
        {
            Block.NAME: " Support ",
            Block.EXTENSION: "202",
            Block.MEMBERS: ["U0ALICE", "U0BOB"],
            Block.NUMBERS: "2020, +14155550100 2021",
        },
    )
    form = views.read_create(state)
    assert form.slack_users == ("U0ALICE", "U0BOB")
    group = parse_group(form.group_data([PBX["alice"], PBX["bob"]]))
    assert group.name == "Support"
    assert group.extra_extensions == ("2020", "2021")
    assert group.numbers == ("+14155550100",)
    assert [m.user_id for m in group.members] == [PBX["alice"], PBX["bob"]]


def test_create_errors_land_on_their_input_blocks() -> None:
    view = views.create_modal(META)
    state = submitted(view, {Block.NAME: "X", Block.EXTENSION: "2", Block.NUMBERS: "12345678"})
    with pytest.raises(GroupRejected) as caught:
        parse_group(views.read_create(state).group_data([]))
    errors = views.errors_for_view(Callback.CREATE, caught.value.errors, state)
    assert set(errors) == {Block.EXTENSION, Block.MEMBERS}
    assert set(errors) <= set(input_ids(view))
    mapped = views.errors_for_view(Callback.CREATE, {"numbers.1": "bad", "repeats": "x"})
    assert mapped == {Block.NUMBERS: "bad", Block.NAME: "x"}


# ---------------------------------------------------------------- Settings


def test_settings_modal_round_trips_the_group(schema: Any) -> None:
    group = make_group(repeats=3)
    view = views.settings_modal(group_meta(), group)
    assert check_view(schema, view) == []
    assert view["callback_id"] == Callback.SETTINGS
    assert len(view["title"]["text"]) <= 24
    repeats = block(view, Block.REPEATS)["element"]
    assert repeats == {
        "type": "number_input",
        "action_id": Action.REPEATS,
        "is_decimal_allowed": False,
        "initial_value": "3",
        "min_value": "1",
        "max_value": "20",
    }
    data = views.read_settings(submitted(view, {}))
    merged = parse_group({**group.model_dump(), **data})
    assert merged == group


def test_settings_errors_land_on_their_input_blocks() -> None:
    errors = {"extra_extensions.0": "too short", "numbers.1": "not E.164", "repeats": "1–20"}
    assert views.errors_for_view(Callback.SETTINGS, errors) == {
        Block.EXTRA_EXTENSIONS: "too short",
        Block.NUMBERS: "not E.164",
        Block.REPEATS: "1–20",
    }


# ---------------------------------------------------------------- Members


def members_view(
    rows: list[views.MemberRow] | None = None, meta: views.ModalMeta | None = None, **kw: Any
) -> dict[str, Any]:
    rows = rows if rows is not None else views.member_rows(make_view(), SLACK)
    return views.members_modal(meta or group_meta(), rows, **kw)


def test_members_modal_has_a_row_per_member(schema: Any) -> None:
    view = members_view()
    assert check_view(schema, view) == []
    assert view["callback_id"] == Callback.MEMBERS
    select = block(view, Block.MEMBERS)
    assert select["dispatch_action"] is True
    keys = [f"pbx-{PBX[who]}" for who in ("alice", "bob", "carol")]
    assert [o["value"] for o in select["element"]["initial_options"]] == keys
    assert select["element"]["max_selected_items"] == 15
    bob = f"pbx-{PBX['bob']}"
    start = block(view, f"member_start:0:{bob}")["element"]
    end = block(view, f"member_end:0:{bob}")["element"]
    assert (start["initial_value"], end["initial_value"]) == ("20", "40")
    assert (start["min_value"], end["max_value"]) == ("0", "999")
    assert block(view, f"member_label:0:{bob}")["text"]["text"] == "*Bob Jones* (<@U0BOB>)"
    # Carol has no Slack user: she is in the same select, by name
    assert block(view, f"member_label:0:pbx-{PBX['carol']}")["text"]["text"] == "*Carol Ng*"


def test_members_modal_offers_the_directory_in_groups_of_100_beyond_100(schema: Any) -> None:
    people = [(f"{i:032x}", f"Person {i:03d}") for i in range(250)]

    view = members_view(people=people)

    assert check_view(schema, view) == []
    groups = block(view, Block.MEMBERS)["element"]["option_groups"]
    assert [len(g["options"]) for g in groups] == [100, 100, 53]
    assert groups[0]["label"]["text"] == "Person 000 – Person 099"


def test_members_modal_preview_and_distribute(schema: Any) -> None:
    view = members_view(simulation="```\nAlice rings 0–20 s\n```")
    assert check_view(schema, view) == []
    preview = block(view, Block.TIMELINE)["text"]["text"]
    assert "Alice Smith  ████████████░░░░░░░░░░░░  0–20 s" in preview
    (distribute,) = block(view, Block.DISTRIBUTE)["elements"]
    assert distribute["action_id"] == Action.DISTRIBUTE
    assert block(view, Block.WINDOW)["element"]["initial_value"] == "120"
    assert "Alice rings 0–20 s" in block(view, Block.SIMULATION)["text"]["text"]
    # a draft that cannot be simulated says why, in the same place
    noted = members_view(simulation_note="No simulated call until the form can be saved: x")
    assert check_view(schema, noted) == []
    assert block(noted, Block.SIMULATION)["type"] == "context"


def test_members_modal_with_15_members_fits_100_blocks(schema: Any) -> None:
    rows = [views.MemberRow(pbx_user=f"{i:032x}", start=0, end=20) for i in range(15)]
    view = members_view(rows, simulation="x\n" * 500)
    assert check_view(schema, view) == []
    assert len(view["blocks"]) <= 100
    assert block(view, Block.DISTRIBUTE)  # nothing important was cut


ALICE, BOB, CAROL = (f"pbx-{PBX[w]}" for w in ("alice", "bob", "carol"))
DANA = f"pbx-{'d' * 32}"
PEOPLE = [(PBX["alice"], "Alice Smith"), (PBX["bob"], "Bob Jones"), ("d" * 32, "Dana Lee")]


def test_read_members_follows_the_selection_and_keeps_typed_windows() -> None:
    view = members_view(people=PEOPLE)
    offered = {o["value"]: o for o in block(view, Block.MEMBERS)["element"]["options"]}
    state = submitted(
        view,
        {
            # Alice removed, Dana added (no row yet)
            Block.MEMBERS: [offered[BOB], offered[DANA], offered[CAROL]],
            f"member_end:0:{BOB}": "45",
        },
    )
    form = views.read_members(state)
    assert [r.key for r in form.rows] == [BOB, DANA, CAROL]
    assert (form.rows[0].start, form.rows[0].end) == (20, 45)
    assert (form.rows[1].start, form.rows[1].end) == (None, None)
    assert form.window == 120
    data = form.members_data({})
    group = parse_group({**make_group().model_dump(), "members": data})
    assert group.members == (
        Member(user_id=PBX["bob"], start=20, end=45),
        Member(user_id="d" * 32, start=0, end=20),  # a new member gets 0–20 s
        Member(user_id=PBX["carol"], start=10, end=30),
    )


def test_distribute_resets_rows_with_a_new_generation(schema: Any) -> None:
    meta = group_meta()
    form = views.read_members(submitted(members_view(meta=meta), {}))
    rows = views.distributed_rows(form.rows, 90)
    view = members_view(rows, meta.next_generation())
    assert check_view(schema, view) == []
    assert block(view, f"member_end:1:pbx-{PBX['carol']}")["element"]["initial_value"] == "90"
    assert views.ModalMeta.decode(view["private_metadata"]).generation == 1


def test_member_errors_land_on_the_member_row() -> None:
    view = members_view()
    state = submitted(view, {f"member_start:0:{BOB}": "50"})
    form = views.read_members(state)
    data = form.members_data({})
    with pytest.raises(GroupRejected) as caught:
        parse_group({**make_group().model_dump(), "members": data})
    assert set(caught.value.errors) == {"members.1"}
    errors = views.errors_for_view(Callback.MEMBERS, caught.value.errors, state)
    assert list(errors) == [f"member_end:0:{BOB}"]
    assert "must be after start" in errors[f"member_end:0:{BOB}"]
    mapped = views.errors_for_view(
        Callback.MEMBERS,
        {"members.0.start": "a", "members.2": "c", "members.9": "?", "members": "none"},
        state,
    )
    assert mapped == {
        f"member_start:0:{ALICE}": "a",
        f"member_end:0:pbx-{PBX['carol']}": "c",
        Block.MEMBERS: "?; none",
    }
    assert set(mapped) <= set(input_ids(view))
    # without the state the row is unknown: the members select still shows it
    assert views.errors_for_view(Callback.MEMBERS, {"members.1.end": "x"}) == {Block.MEMBERS: "x"}


def test_block_errors_reads_the_submitted_view() -> None:
    view = members_view()
    payload = {**view, "state": {"values": submitted(view, {})}}
    assert views.block_errors(payload, {"members.1.end": "late"}) == {f"member_end:0:{BOB}": "late"}


# ---------------------------------------------------------------- other messages


def test_history_attributes_each_change(schema: Any) -> None:
    # summaries are plain text with names (services); ``by`` is a Slack user id
    summary = "renamed R&D <lab> → Inside Sales; added Dana Lee"
    revisions = [
        Revision(number=2, at=WHEN, by="U0DANA", summary=summary, before=None, after=None),
        Revision(number=1, at=WHEN, by="U0LEAD", summary="created", before=None, after=None),
    ]
    message = views.history_message("Sales", revisions)
    assert check_message(schema, message) == []
    text = all_text(message)
    assert "*#2* <!date^" in text
    escaped = "renamed R&amp;D &lt;lab&gt; → Inside Sales; added Dana Lee"
    assert f"<@U0DANA>: {escaped}" in text  # who: a mention Slack shows as a name
    assert "<@U0LEAD>: created" in text
    assert message["text"] == f"History of Sales: #2 by <@U0DANA>: {escaped}"


def test_history_strikes_undone_changes_and_counts_those_not_shown(schema: Any) -> None:
    group = make_view().group
    revisions = (
        Revision(3, WHEN, "U0DANA", "Undid: renamed Support → Sales", group, group, undoes=2),
        Revision(2, WHEN, "U0DANA", "renamed Support → Sales", group, group, undone=True),
        Revision(1, WHEN, "U0LEAD", "repeats 1 → 2", group, group),
    )
    message = views.history_message("Sales", History(revisions, 34))
    assert check_message(schema, message) == []
    text = all_text(message)
    assert "<@U0DANA>: Undid: renamed Support → Sales (#2)" in text
    assert "~*#2* " in text
    assert "renamed Support → Sales~ _(undone)_" in text
    assert "`/group undo Sales` would undo #1 next." in text
    assert "Showing the last 3 of 34 changes." in text


def test_callflow_json_is_chunked_into_code_sections(schema: Any) -> None:
    big = {"flow": {"data": {f"key{i}": "v" * 40 for i in range(100)}}}
    documents = GroupDocuments(group={"name": "Sales"}, base_callflow=big, user_callflow={})
    message = views.callflow_message("Sales", documents, make_view().pbx)
    assert check_message(schema, message) == []
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) > 3
    for s in sections:
        assert s["text"]["text"].startswith("```\n")
        assert len(s["text"]["text"]) <= 3000
    assert f"groups/{'1' * 32}" in all_text(message)


def test_help_and_simulate_messages(schema: Any) -> None:
    help_text = "\n".join(f"• `/group cmd{i}`: does {i}" + " words" * 20 for i in range(60))
    message = views.help_message(help_text)
    assert check_message(schema, message) == []
    assert len(message["blocks"]) > 1
    sim = views.simulate_message("Sales", "```\nAlice  ████  0–20 s\n```", outcome="Alice answers")
    assert check_message(schema, sim) == []
    assert "Alice  ████  0–20 s" in all_text(sim)


def test_saved_message_shows_warnings(schema: Any) -> None:
    result = SaveResult(view=make_view(), warnings=["2125551234 is not E.164"])
    message = views.saved_message(result, "Sales saved")
    assert check_message(schema, message) == []
    assert "⚠ 2125551234 is not E.164" in all_text(message)
    assert block(message, Block.HEADER)["text"]["text"] == "✅ Sales saved"


def test_saved_message_of_a_save_that_changed_nothing(schema: Any) -> None:
    # what the services give back when the group was already as asked
    result = SaveResult(view=make_view(), warnings=("Nothing changed.",), summary="no change")
    message = views.saved_message(
        result, "Sales now denies call-forward", unchanged="Sales already denies call-forward"
    )
    assert check_message(schema, message) == []
    assert block(message, Block.HEADER)["text"]["text"] == "Sales already denies call-forward"
    assert message["text"] == "Sales already denies call-forward"
    assert "✅" not in all_text(message)
    assert "Nothing changed" not in all_text(message)


def test_error_replies_are_marked_and_show_their_usage_line(schema: Any) -> None:
    text = "start-end must look like 0-20, not 'x'\nUsage: /group ring <group> @user <start>-<end>"
    message = views.error_message(text)
    assert check_message(schema, message) == []
    (section,) = message["blocks"]
    assert section["block_id"] == Block.ERROR == "error"
    assert section["text"]["text"].endswith(
        "/group ring &lt;group&gt; @user &lt;start&gt;-&lt;end&gt;"
    )
    assert message["text"] == section["text"]["text"]
    # a real mention stays one; everything else a user typed is escaped
    said = views.error_message("Only <@U0LEAD> or an admin can change R&D <x>.")
    assert said["blocks"][0]["text"]["text"] == (
        "Only <@U0LEAD> or an admin can change R&amp;D &lt;x&gt;."
    )


def test_loading_and_notice_modals(schema: Any) -> None:
    loading = views.loading_modal(Callback.FEATURES)
    assert check_view(schema, loading) == []
    assert loading["callback_id"] == Callback.FEATURES
    assert "Loading…" in all_text(loading)
    assert "submit" not in loading
    assert check_view(schema, views.notice_modal("No group 'x'.")) == []
    refusal = views.refusal_modal("Only a workspace admin can create a group.", "Create")
    assert check_view(schema, refusal) == []
    assert [b["block_id"] for b in refusal["blocks"]] == [Block.ERROR]
    assert "submit" not in refusal


# ---------------------------------------------------------------- Features

DIRECTORY = Directory(
    users={
        PBX["alice"]: UserFact(name="Alice Smith", extension="101", main_callflow_id="f" * 32),
    },
    devices={"d" * 32: "Front desk phone"},
    vmboxes={"e" * 32: "Sales voicemail", "9" * 32: "Support voicemail"},
    menus={"m" * 32: MenuFact(name="Main menu", callflow_id="n" * 32)},
    media={"h" * 32: "Hold music"},
    groups={"g" * 32: GroupFact(name="Support", user_callflow_id="u" * 32, numbers=("202",))},
)


def features_view(features: Any = None) -> dict[str, Any]:
    return views.features_modal(group_meta(), DIRECTORY, features)


def test_features_modal_shows_settings_only_while_a_feature_is_on(schema: Any) -> None:
    off = features_view()
    assert check_view(schema, off) == []
    assert off["callback_id"] == Callback.FEATURES
    assert input_ids(off) == [
        Block.RECORDING,
        Block.RINGBACK,
        Block.NEXT_KIND,
        Block.FORWARD,
        Block.PREPEND,
    ]
    on = features_view(
        {
            "call_recording": {"enabled": True, "url": "https://rec.example/in"},
            "next_action": {"kind": "voicemail", "target_id": "e" * 32},
            "caller_id_prepend": {"enabled": True, "name_prefix": "Sales:"},
        }
    )
    assert check_view(schema, on) == []
    assert input_ids(on) == [
        Block.RECORDING,
        Block.RECORDING_FORMAT,
        Block.RECORDING_LIMIT,
        Block.RECORDING_URL,
        Block.RECORDING_TO_GROUPBOT,
        Block.RINGBACK,
        Block.NEXT_KIND,
        "next_target:voicemail",
        Block.FORWARD,
        Block.PREPEND,
        Block.PREPEND_NAME,
        Block.PREPEND_NUMBER,
    ]
    assert block(on, Block.RECORDING_LIMIT)["element"]["initial_value"] == "600"
    assert block(on, Block.RECORDING_URL)["element"]["initial_value"] == "https://rec.example/in"
    target = block(on, "next_target:voicemail")["element"]
    assert [o["text"]["text"] for o in target["options"]] == [
        "Sales voicemail",
        "Support voicemail",
    ]
    assert target["initial_option"]["value"] == "e" * 32
    assert block(on, Block.PREPEND_NAME)["element"]["initial_value"] == "Sales:"


def test_feature_toggles_dispatch_so_the_modal_can_be_rebuilt() -> None:
    view = features_view()
    for block_id in (Block.RECORDING, Block.NEXT_KIND, Block.PREPEND):
        assert block(view, block_id)["dispatch_action"] is True
    assert {
        block(view, b)["element"]["action_id"] for b in (Block.RECORDING, Block.PREPEND)
    } <= set(ids.FEATURE_DISPATCH)


def test_ringback_offers_default_silence_and_the_directorys_media() -> None:
    view = features_view({"ringback": {"kind": "media", "media_id": "h" * 32}})
    element = block(view, Block.RINGBACK)["element"]
    labels = [o["text"]["text"] for o in element["options"]]
    assert labels == ["Default ringing", "Silence", "🎵 Hold music"]
    assert element["initial_option"]["text"]["text"] == "🎵 Hold music"


def test_toggling_recording_on_rebuilds_with_its_settings() -> None:
    before = features_view()
    state = submitted(before, {Block.RECORDING: [{"value": "on"}]})
    draft = views.read_features(state, Features())
    assert draft["call_recording"]["enabled"] is True
    after = features_view(draft)
    assert Block.RECORDING_LIMIT in input_ids(after)
    # the blocks the user already saw keep their ids, so Slack keeps what was typed
    assert set(input_ids(before)) <= set(input_ids(after))


def test_read_features_gives_features_parse_group_accepts() -> None:
    view = features_view(
        {
            "call_recording": {"enabled": True},
            "next_action": {"kind": "group", "target_id": "g" * 32},
            "caller_id_prepend": {"enabled": True},
        }
    )
    state = submitted(
        view,
        {
            Block.RECORDING_FORMAT: {"value": "wav", "text": {"type": "plain_text", "text": "wav"}},
            Block.RECORDING_LIMIT: "1200",
            Block.RINGBACK: {"value": "silence", "text": {"type": "plain_text", "text": "S"}},
            Block.FORWARD: [{"value": "on"}],
            Block.PREPEND_NUMBER: "9",
        },
    )
    features = views.read_features(state, Features())
    group = parse_group({**make_group().model_dump(), "features": features})
    assert group.features.call_recording.format.value == "wav"
    assert group.features.call_recording.time_limit == 1200
    assert group.features.call_recording.url is None
    assert group.features.ringback.kind.value == "silence"
    assert group.features.next_action.target_id == "g" * 32
    assert group.features.allow_call_forward is True
    assert group.features.caller_id_prepend.number_prefix == "9"


def test_feature_errors_land_on_visible_inputs() -> None:
    view = features_view({"call_recording": {"enabled": True}, "next_action": {"kind": "menu"}})
    state = submitted(view, {})
    errors = {
        "features.call_recording.url": "http only",
        "features.call_recording.time_limit": "5–10800",
        "features.next_action": "choose the menu",
        "features.caller_id_prepend": "a prefix",  # prepend is off: its toggle
        "features": "odd",
    }
    mapped = views.errors_for_view(Callback.FEATURES, errors, state)
    assert mapped == {
        Block.RECORDING_URL: "http only",
        Block.RECORDING_LIMIT: "5–10800",
        "next_target:menu": "choose the menu",
        Block.PREPEND: "a prefix",
        Block.RINGBACK: "odd",
    }
    assert set(mapped) <= set(input_ids(view))
    # without the state: fixed ids only
    assert views.errors_for_view(Callback.FEATURES, {"features.next_action": "x"}) == {
        Block.NEXT_KIND: "x"
    }


def test_a_kind_without_choices_says_so_and_keeps_the_kind_input(schema: Any) -> None:
    view = views.features_modal(group_meta(), Directory(), {"next_action": {"kind": "device"}})
    assert check_view(schema, view) == []
    assert "no device" in all_text(view)
    assert not any(b.startswith("next_target") for b in input_ids(view))


# ---------------------------------------------------------------- Delete, Setup, Home


def test_delete_modal_asks_for_a_tick(schema: Any) -> None:
    view = views.delete_modal(group_meta(), make_view())
    assert check_view(schema, view) == []
    assert view["callback_id"] == Callback.DELETE
    assert view["submit"]["text"] == "Delete"
    assert "every document it owns on the PBX" in all_text(view)
    assert views.read_delete(submitted(view, {Block.DELETE_CONFIRM: [{"value": "on"}]}))
    assert not views.read_delete(submitted(view, {}))


@dataclass(frozen=True)
class Settings:
    account_id: str = "0" * 32
    storage_limit_bytes: int | None = 50_000_000_000
    alert_channel: str | None = "C0ALERTS"
    time_zone: str = "Pacific/Chatham"
    warn_percent: int = 80
    critical_percent: int = 95
    full_percent: int = 100
    binding: AccountBinding = AccountBinding.TYPED
    group_count: int = 0


def test_setup_modal_round_trips_the_settings(schema: Any) -> None:
    view = views.setup_modal(META, Settings())
    assert check_view(schema, view) == []
    assert view["callback_id"] == Callback.SETUP
    assert block(view, Block.STORAGE_LIMIT)["element"]["initial_value"] == "50"
    assert block(view, Block.ALERT_CHANNEL)["element"]["type"] == "conversations_select"
    zones = block(view, Block.TIME_ZONE)["element"]
    assert zones["initial_option"]["value"] == "Pacific/Chatham"
    assert len(zones["options"]) <= 100
    assert views.read_setup(submitted(view, {})) == {
        "account_id": "0" * 32,
        "storage_limit_bytes": 50_000_000_000,
        "alert_channel": "C0ALERTS",
        "time_zone": "Pacific/Chatham",
        "warn_percent": 80,
        "critical_percent": 95,
        "full_percent": 100,
    }
    assert check_view(schema, views.setup_modal(META)) == []


def test_setup_modal_in_a_multi_workspace_install_never_takes_a_typed_account(
    schema: Any,
) -> None:
    local = views.setup_modal(META, Settings(account_id="c" * 32, binding=AccountBinding.LOCAL))
    assert check_view(schema, local) == []
    inputs = [b["block_id"] for b in local["blocks"] if b["type"] == "input"]
    assert Block.ACCOUNT_ID not in inputs
    assert Block.API_KEY not in inputs
    assert "c" * 32 in all_text(local)

    unbound = views.setup_modal(META, Settings(account_id="", binding=AccountBinding.CREDENTIALS))
    assert check_view(schema, unbound) == []
    key = block(unbound, Block.API_KEY)
    assert key["type"] == "input"
    assert not key.get("optional")
    assert "initial_value" not in key["element"]
    assert Block.ACCOUNT_ID not in [
        b["block_id"] for b in unbound["blocks"] if b["type"] == "input"
    ]
    assert views.read_api_key(submitted(unbound, {Block.API_KEY: " k3y "})) == "k3y"

    bound = views.setup_modal(
        META, Settings(account_id="d" * 32, binding=AccountBinding.CREDENTIALS)
    )
    assert check_view(schema, bound) == []
    assert block(bound, Block.API_KEY).get("optional") is True
    assert "d" * 32 in all_text(bound)
    errors = views.errors_for_view(Callback.SETUP, {"api_key": "no", "": "?"}, submitted(bound, {}))
    assert errors == {Block.API_KEY: "no; ?"}


def test_setup_errors_land_on_their_inputs() -> None:
    view = views.setup_modal(META)
    with pytest.raises(FieldErrors) as caught:
        views.read_setup(submitted(view, {Block.WARN: "8.5"}))
    assert views.errors_for_view(Callback.SETUP, caught.value.errors) == {
        Block.WARN: "The warn threshold must be a whole percentage from 1 to 1,000."
    }
    assert views.errors_for_view(
        Callback.SETUP, {"storage_limit_bytes": "> 0", "time_zone": "?", "account_id": "hex"}
    ) == {Block.STORAGE_LIMIT: "> 0", Block.TIME_ZONE: "?", Block.ACCOUNT_ID: "hex"}


def test_home_has_create_storage_gauge_and_group_buttons(schema: Any) -> None:
    home = views.home_view(
        [make_view(), make_view(make_group(name="Support", extension="202"), group_id=8)],
        can_change=lambda v: v.id == 7,
        storage="*31 GB of 50 GB used (62 %)*",
    )
    assert check_view(schema, home) == []
    (create,) = block(home, Block.HOME_ACTIONS)["elements"]
    assert (create["action_id"], create["text"]["text"]) == (Action.CREATE, "Create group")
    assert "31 GB of 50 GB used (62 %)" in block(home, Block.STORAGE)["text"]["text"]
    mine = [b["text"]["text"] for b in block(home, "group_actions:7")["elements"]]
    theirs = [b["text"]["text"] for b in block(home, "group_actions:8")["elements"]]
    assert mine == ["Show", "Edit", "Members", "Features", "Simulate", "Delete"]
    assert theirs == ["Show", "Simulate"]


def test_home_stays_within_100_blocks(schema: Any) -> None:
    many = [
        make_view(make_group(name=f"Team {i}", extension=f"{300 + i}"), group_id=i)
        for i in range(80)
    ]
    home = views.home_view(many)
    assert check_view(schema, home) == []
    assert len(home["blocks"]) <= 100
    assert "/group list" in home["blocks"][-1]["elements"][0]["text"]


def test_every_modal_input_has_block_and_action_ids() -> None:
    modals = [
        views.create_modal(META),
        views.settings_modal(group_meta(), make_group()),
        members_view(),
        features_view(
            {"call_recording": {"enabled": True}, "caller_id_prepend": {"enabled": True}}
        ),
        views.delete_modal(group_meta(), make_view()),
        views.setup_modal(META),
    ]
    for view in modals:
        assert len(view["title"]["text"]) <= 24
        assert views.ModalMeta.decode(view["private_metadata"]).opener == "U0ADMIN"
        for b in blocks_of(view):
            if b["type"] == "input":
                assert b["block_id"]
                assert b["element"]["action_id"]


def test_a_half_typed_number_is_not_given_back_as_initial_value(schema: Any) -> None:
    rows = [views.MemberRow(pbx_user=PBX["alice"], start="1e", end=20)]
    view = members_view(rows, window="12.5.1")
    assert check_view(schema, view) == []
    assert "initial_value" not in block(view, Block.WINDOW)["element"]
    assert "initial_value" not in block(view, f"member_start:0:{ALICE}")["element"]


def test_an_error_reply_never_carries_a_broadcast_someone_typed() -> None:
    said = views.error_message(
        "a group named <!channel> already exists; No group '<!everyone>'. "
        "Ask <@U0BOB|bob>, changed at <!date^1700000000^{date_short}|Nov 14>."
    )
    text = said["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text
    assert "<!everyone>" not in text
    assert "&lt;!channel&gt;" in text
    assert "<@U0BOB|bob>" in text
    assert "<!date^1700000000^{date_short}|Nov 14>" in text
