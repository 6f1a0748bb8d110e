"""`groupbot db upgrade`, `directory import`, `export` and `import` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PBX_EXPORT_DIR", str(tmp_path / "callflows"))
    monkeypatch.delenv("KAZOO_ACCOUNT_ID", raising=False)
    return tmp_path


def test_db_upgrade(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert (env / "cli.db").exists()


def test_directory_import_good_then_bad_file(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = env / "good.yaml"
    good.write_text("users:\n  - {name: Alice Smith, email: alice@example.com, extension: '101'}\n")
    bad = env / "bad.yaml"
    bad.write_text("users:\n  - {name: A}\n  - {name: B}\n  - {name: C, extension: 1O3}\n")

    assert main(["directory", "import", str(good)]) == 0
    assert "Imported 1 users" in capsys.readouterr().out
    assert main(["directory", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "users[2].extension: must be digits" in err
    assert main(["directory", "import", str(env / "missing.yaml")]) == 1


def test_export_then_import(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = env / "dir.yaml"
    directory.write_text(
        "users:\n  - {name: Alice Smith, email: alice@example.com, extension: '101'}\n"
    )
    groups = env / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 30}]\n"
    )
    assert main(["directory", "import", str(directory)]) == 0
    assert main(["import", str(groups)]) == 0
    assert "Sales: saved (version 1)" in capsys.readouterr().out

    assert main(["export"]) == 0
    exported = capsys.readouterr().out
    assert "name: Sales" in exported
    assert "user: alice@example.com" in exported
    assert sorted(p.parent.name for p in (env / "callflows").rglob("*.json")) == [
        "callflows",
        "callflows",
        "groups",
    ]
