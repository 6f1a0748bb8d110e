"""The local PBX backend: one canonical JSON file per document, written atomically."""

from __future__ import annotations

import json
import os
import time
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


# -- what a process killed mid-write leaves ------------------------------------------------


def leftover(folder: Path, name: str, age: float) -> Path:
    """A temporary file as ``put`` names them, last written ``age`` seconds ago."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"name": "half of a docu', encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_leftovers_of_a_killed_write_are_removed_when_the_pbx_is_built(tmp_path: Path) -> None:
    LocalPbx(tmp_path).put("groups", "abc123", DOC)
    LocalPbx(tmp_path).put("callflows", "cf1", DOC)
    kept = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    left = [
        leftover(tmp_path / "groups", ".abc123.k3j_4h5g.tmp", age=3600),
        leftover(tmp_path / "callflows", ".cf1.0a1b2c3d.tmp", age=3600),
    ]
    in_progress = leftover(tmp_path / "groups", ".abc123.zzzzzzzz.tmp", age=0)
    not_ours = [
        leftover(tmp_path / "groups", ".notes.tmp", age=3600),
        leftover(tmp_path / "groups", "abc123.json.tmp", age=3600),
        leftover(tmp_path, ".abc123.k3j_4h5g.tmp", age=3600),  # not in a collection
    ]

    LocalPbx(tmp_path)

    assert not any(path.exists() for path in left)
    assert in_progress.exists()  # seconds old: another process may be writing it
    assert all(path.exists() for path in not_ours)
    # the documents are untouched
    assert json.loads((tmp_path / "groups" / "abc123.json").read_text()) == DOC
    assert json.loads((tmp_path / "callflows" / "cf1.json").read_text()) == DOC
    assert set(kept) <= {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}


def test_a_folder_not_yet_made_has_no_leftovers(tmp_path: Path) -> None:
    pbx = LocalPbx(tmp_path / "not-yet")
    assert pbx.remove_leftovers(0) == 0
    assert not (tmp_path / "not-yet").exists()
