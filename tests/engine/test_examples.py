"""Every example in ../shared/kazoo/examples imports to the group it describes, or is
refused with an error that says why (examples/README.md says what each file is)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.engine.decompiler import decompile_account_group, decompile_group
from bot.engine.directory import Directory
from bot.engine.documents import DecompileError, canonical_json
from tests.engine.golden import as_dict, load
from tests.kazoo_schemas import callflow_errors, validate_group_doc
from tests.shared_files import require_shared, shared_dir

USER_CALLFLOW_ID = load("sales-as-created").ids.user_callflow_id


def example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((require_shared("kazoo", "examples") / name).read_text())
    return doc


def smartpbx(base: str, user: str, directory: Directory | None = None) -> Any:
    return decompile_group(
        example("synth-smartpbx-group.json"),
        example(f"synth-smartpbx-baseGroup-callflow-{base}.json"),
        example(f"synth-smartpbx-userGroup-callflow-{user}.json"),
        directory or Directory(),
        user_callflow_id=USER_CALLFLOW_ID,
    )


def check_as_created_pair() -> None:
    # The strings "0"/"20" are coerced as crossbar does; the group doc's five feature
    # flags are ignored because the flows (no features yet) are the truth.
    golden = load("sales-as-created")
    assert smartpbx("as-created", "as-created") == (golden.group, golden.ids)
    compiled = golden.compile()
    assert compiled.user_callflow == example("synth-smartpbx-userGroup-callflow-as-created.json")
    created = example("synth-smartpbx-baseGroup-callflow-as-created.json")
    for endpoint in created["flow"]["data"]["endpoints"]:
        endpoint.update(delay=int(endpoint["delay"]), timeout=int(endpoint["timeout"]))
    created["flow"]["data"]["repeats"] = 1  # SmartPBX leaves Kazoo's default out; we write it
    assert canonical_json(compiled.base_callflow) == canonical_json(created)


def check_edited_base() -> None:
    golden = load("sales-distributed")
    assert smartpbx("edited", "as-created", golden.directory) == (golden.group, golden.ids)


def check_all_features() -> None:
    # With the edited base, our compiler writes all three files byte for byte.
    golden = load("all-features")
    assert smartpbx("edited", "all-features", golden.directory) == (golden.group, golden.ids)
    assert canonical_json(as_dict(golden.compile())) == canonical_json(
        {
            "group": example("synth-smartpbx-group.json"),
            "base_callflow": example("synth-smartpbx-baseGroup-callflow-edited.json"),
            "user_callflow": example("synth-smartpbx-userGroup-callflow-all-features.json"),
        }
    )


def check_group_doc_alone() -> None:
    # The flags say every feature is on, but without its callflows there is no group.
    group_doc = example("synth-smartpbx-group.json") | {"id": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}
    with pytest.raises(DecompileError, match="has no baseGroup callflow"):
        decompile_account_group(group_doc, [], Directory())


def check_fixture_group_doc() -> None:
    # A plain Kazoo group (a user with a weight), as the Groups tab would never list it.
    doc = example("kazoo-fixture-group-doc.json")
    validate_group_doc(doc)  # once the stored _/pvt_ keys are dropped
    with pytest.raises(DecompileError, match="'Group 0001' has no baseGroup callflow"):
        decompile_account_group(doc, [], Directory())


def check_create_request() -> None:
    data = example("kazoo-doc-groups-create-request.json")["data"]
    validate_group_doc(data)
    with pytest.raises(DecompileError, match="'Test group' has no id"):
        decompile_account_group(data, [], Directory())
    with pytest.raises(DecompileError, match="'Test group' has no baseGroup callflow"):
        decompile_account_group(data | {"id": "f" * 32}, [], Directory())


def check_pivot_node() -> None:
    node = example("kazoo-doc-pivot-ring_group-node.json")
    assert callflow_errors({"flow": node})  # Kazoo's own schema refuses it too
    base = example("synth-smartpbx-baseGroup-callflow-edited.json") | {"flow": node}
    with pytest.raises(DecompileError, match=r"endpoints\.0 is 'device_1_id', a bare id"):
        decompile_group(
            example("synth-smartpbx-group.json"),
            base,
            example("synth-smartpbx-userGroup-callflow-as-created.json"),
            Directory(),
            user_callflow_id=USER_CALLFLOW_ID,
        )


CHECKS: dict[str, Callable[[], None]] = {
    "synth-smartpbx-baseGroup-callflow-as-created.json": check_as_created_pair,
    "synth-smartpbx-userGroup-callflow-as-created.json": check_as_created_pair,
    "synth-smartpbx-baseGroup-callflow-edited.json": check_edited_base,
    "synth-smartpbx-userGroup-callflow-all-features.json": check_all_features,
    "synth-smartpbx-group.json": check_group_doc_alone,
    "kazoo-fixture-group-doc.json": check_fixture_group_doc,
    "kazoo-doc-groups-create-request.json": check_create_request,
    "kazoo-doc-pivot-ring_group-node.json": check_pivot_node,
}


def example_names() -> list[str]:
    base = shared_dir()
    folder = base / "kazoo" / "examples" if base else None
    if folder is None or not folder.is_dir():
        return sorted(CHECKS)  # each test then skips, saying the folder is absent
    return sorted(p.name for p in folder.glob("*.json"))


@pytest.mark.parametrize("name", example_names())
def test_example_imports_or_is_refused_clearly(name: str) -> None:
    require_shared("kazoo", "examples", name)
    assert name in CHECKS, f"{name} is a new example: say what importing it should do"
    CHECKS[name]()


def test_synth_examples_that_validate_are_schema_valid() -> None:
    # The README's "validates" column, so the checks above start from the right facts.
    folder: Path = require_shared("kazoo", "examples")
    for path in sorted(folder.glob("synth-smartpbx-*Group-callflow-*.json")):
        errors = callflow_errors(json.loads(path.read_text()))
        assert bool(errors) == path.name.endswith("baseGroup-callflow-as-created.json"), errors
