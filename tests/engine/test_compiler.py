"""The compiler against golden files, Kazoo's schemas, the decompiler, and itself."""

from __future__ import annotations

import json

import pytest

from bot.engine.compiler import CompileError, compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.directory import Directory
from bot.engine.documents import canonical_json
from bot.engine.model import MAX_MEMBERS, NextActionKind, RecordingFormat, RingbackKind, Strategy
from bot.engine.validation import parse_group
from tests.engine import builders
from tests.engine.golden import as_dict, case_names, load
from tests.kazoo_schemas import validate_callflow, validate_group_doc


@pytest.mark.parametrize("case", case_names())
def test_compiles_to_expected_documents(case: str, request: pytest.FixtureRequest) -> None:
    golden = load(case)
    actual = canonical_json(as_dict(golden.compile()))
    expected = golden.raw["documents"]
    if request.config.getoption("--update-golden"):
        expected = json.loads(actual)
        golden.write_documents(expected)
    assert actual == canonical_json(expected)


@pytest.mark.parametrize("case", case_names())
def test_golden_documents_pass_kazoo_schemas(case: str) -> None:
    documents = load(case).compile()
    validate_group_doc(documents.group)
    validate_callflow(documents.base_callflow)
    validate_callflow(documents.user_callflow)


@pytest.mark.parametrize("case", case_names())
def test_golden_documents_decompile_to_their_group(case: str) -> None:
    golden = load(case)
    documents = golden.compile()
    assert decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        golden.directory,
        user_callflow_id=golden.ids.user_callflow_id,
    ) == (golden.group, golden.ids)


@pytest.mark.parametrize("case", case_names())
def test_golden_case_file_says_what_it_shows_and_holds_a_valid_group(case: str) -> None:
    raw = load(case).raw
    assert set(raw) == {"about", "group", "ids", "directory", "documents"}
    assert raw["about"].strip()
    parse_group(raw["group"])  # raises GroupRejected, naming the field, if the model refuses it


def test_golden_cases_cover_every_kind_of_group() -> None:
    groups = [load(case).group for case in case_names()]
    features = [g.features for g in groups]
    assert {f.next_action.kind for f in features} == set(NextActionKind)
    assert {f.ringback.kind for f in features} == set(RingbackKind)
    assert {g.strategy for g in groups} == set(Strategy)
    recorded = {f.call_recording.format for f in features if f.call_recording.enabled}
    assert recorded == set(RecordingFormat)
    assert any(f.call_recording.enabled and f.call_recording.url is None for f in features)
    assert any(f.caller_id_prepend.enabled for f in features)
    assert any(f.allow_call_forward for f in features)
    assert any(g.repeats > 1 for g in groups)
    assert any(g.extra_extensions and g.numbers for g in groups)
    assert any(len(g.members) == MAX_MEMBERS for g in groups)


@pytest.mark.parametrize("case", case_names())
def test_compiling_twice_gives_identical_bytes(case: str) -> None:
    golden = load(case)
    first, second = golden.compile(), load(case).compile()
    for a, b in zip(first.by_collection(golden.ids), second.by_collection(golden.ids), strict=True):
        # insertion order too, not only the sorted form: the file backend writes these
        assert json.dumps(a).encode() == json.dumps(b).encode()
        assert canonical_json(a[2]).encode() == canonical_json(b[2]).encode()


def test_base_callflow_timeout_is_the_latest_end() -> None:
    group = parse_group(
        builders.group_data(
            members=[builders.member("alice", 0, 30), builders.member("bob", 50, 70)]
        )
    )
    documents = compile_group(group, builders.IDS, builders.directory())
    assert documents.base_callflow["flow"]["data"]["timeout"] == 70


def test_next_action_to_the_group_itself_compiles_without_a_directory_entry() -> None:
    group = parse_group(
        builders.group_data(
            features={"next_action": {"kind": "group", "target_id": builders.IDS.group_id}}
        )
    )
    documents = compile_group(group, builders.IDS, Directory())
    node = documents.user_callflow["flow"]["children"]["_"]
    assert node == {
        "module": "callflow",
        "data": {"id": builders.IDS.user_callflow_id},
        "children": {},
    }


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("user", "nobody0000000000000000000000000"),  # not in the directory
        ("menu", "nomenu0000000000000000000000000"),
        ("group", "nogroup000000000000000000000000"),
    ],
)
def test_a_callflow_target_missing_from_the_directory_is_a_compile_error(
    kind: str, target: str
) -> None:
    group = parse_group(
        builders.group_data(features={"next_action": {"kind": kind, "target_id": target}})
    )
    with pytest.raises(CompileError, match=kind):
        compile_group(group, builders.IDS, builders.directory())
