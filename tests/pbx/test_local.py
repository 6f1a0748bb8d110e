"""The local PBX backend: one canonical JSON file per document, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.engine.documents import canonical_json
from bot.pbx import PbxError, PbxRejected
from bot.pbx.local import LocalPbx

DOC = {"name": "Sales", "endpoints": {"u1": {"type": "user"}}, "é": "ü"}


def test_put_writes_exactly_the_document(tmp_path: Path) -> None:
    LocalPbx(tmp_path).put("groups", "abc123", DOC)

    path = tmp_path / "groups" / "abc123.json"
    assert path.read_text(encoding="utf-8") == canonical_json(DOC)
    assert json.loads(path.read_text(encoding="utf-8")) == DOC
    assert os.listdir(tmp_path / "groups") == ["abc123.json"]  # no temporary left behind


def test_put_replaces_and_delete_removes(tmp_path: Path) -> None:
    pbx = LocalPbx(tmp_path)
    pbx.put("callflows", "cf1", DOC)
    pbx.put("callflows", "cf1", {"name": "Support"})
    assert json.loads((tmp_path / "callflows" / "cf1.json").read_text()) == {"name": "Support"}

    pbx.delete("callflows", "cf1")
    pbx.delete("callflows", "cf1")  # already gone: not an error
    assert not (tmp_path / "callflows" / "cf1.json").exists()


def test_a_failed_write_leaves_the_old_file_and_raises_a_pbx_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pbx = LocalPbx(tmp_path)
    pbx.put("groups", "g1", DOC)

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(PbxError, match="No space left on device"):
        pbx.put("groups", "g1", {"name": "changed"})
    assert json.loads((tmp_path / "groups" / "g1.json").read_text()) == DOC
    assert os.listdir(tmp_path / "groups") == ["g1.json"]


@pytest.mark.parametrize("name", ["../etc", "a/b", "", "x" * 65])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PbxRejected):
        LocalPbx(tmp_path).put("groups", name, DOC)
