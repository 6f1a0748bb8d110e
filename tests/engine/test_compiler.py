"""The compiler against golden files, Kazoo's schemas, the decompiler, and itself."""

from __future__ import annotations

import json

import pytest

from bot.engine.compiler import CompileError, compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.directory import Directory
from bot.engine.documents import canonical_json
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


def test_at_least_eight_golden_cases() -> None:
    assert len(case_names()) >= 8


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
