"""`groupbot db upgrade`, `directory import`, `export` and `import` from the command line."""

from __future__ import annotations

import signal
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

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
    assert capsys.readouterr().out.startswith(
        "Imported 1 user, 0 devices, 0 voicemail boxes, 0 menus and 0 media files into "
    )
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
    assert "Sales: created (version 1)" in capsys.readouterr().out

    assert main(["export"]) == 0
    exported = capsys.readouterr().out
    assert "name: Sales" in exported
    assert "user: alice@example.com" in exported
    assert sorted(p.parent.name for p in (env / "callflows").rglob("*.json")) == [
        "callflows",
        "callflows",
        "groups",
    ]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "postgresql+psycopg://groupbot:secret@127.0.0.1:1/groupbot",
            "groupbot db upgrade: cannot use the database "
            "postgresql+psycopg://groupbot:***@127.0.0.1:1/groupbot: connection failed: ",
        ),
        ("not a url", "groupbot db upgrade: DATABASE_URL is not a database URL (like "),
        ("nosuchdb://x", "groupbot db upgrade: DATABASE_URL nosuchdb://x names a kind of "),
        (
            "mysql://u:secret@localhost/db",
            "groupbot db upgrade: DATABASE_URL mysql://u:***@localhost/db needs the database "
            "driver MySQLdb, which is not installed",
        ),
        (
            "sqlite:////nonexistent-dir/groupbot.db",
            "groupbot db upgrade: cannot use the database sqlite:////nonexistent-dir/groupbot.db: "
            "unable to open database file",
        ),
    ],
)
def test_db_upgrade_with_an_unusable_database_says_why_in_one_line(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    said: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert main(["db", "upgrade"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(said)
    assert "secret" not in line


def test_a_command_on_a_database_with_no_tables_says_to_upgrade(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.storage.db_errors import database_problem

    url = f"sqlite:///{env / 'empty.db'}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT * FROM workspaces"))
    except OperationalError as error:
        said = database_problem(error, url)
    finally:
        engine.dispose()

    assert said == f"the database {url} has no groupbot tables yet: run groupbot db upgrade"


def test_a_bug_keeps_its_traceback(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.app

    def broken(_args: object) -> int:
        raise ZeroDivisionError

    monkeypatch.setattr(bot.app, "cli_export", broken)
    with pytest.raises(ZeroDivisionError):
        main(["export"])


def test_export_and_import_accept_a_workspace(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = env / "dir.yaml"
    directory.write_text(
        "users:\n  - {name: Alice Smith, email: alice@example.com, extension: '101'}\n"
    )
    groups = env / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 30}]\n"
    )
    assert main(["directory", "import", str(directory), "--workspace", "T0SALES"]) == 0
    assert main(["import", str(groups), "--workspace", "T0SALES"]) == 0
    capsys.readouterr()

    assert main(["export", "--workspace", "T0SALES"]) == 0
    assert "name: Sales" in capsys.readouterr().out


def test_directory_import_of_a_file_that_is_not_yaml_is_one_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = env / "dir.yaml"
    bad.write_text("users:\n  - name: Alice\n    email alice@example.com\n")

    assert main(["directory", "import", str(bad)]) == 1

    assert capsys.readouterr().err == (
        f"groupbot directory import: {bad}, line 3, column 5: not valid YAML, could not find "
        "expected ':' (while scanning a simple key) (nothing was imported)\n"
    )


def test_directory_import_counts_in_the_singular_and_plural(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.storage.directory_file import demo_directory_text

    demo = env / "demo.yaml"
    demo.write_text(demo_directory_text())

    assert main(["directory", "import", str(demo)]) == 0

    assert capsys.readouterr().out.startswith(
        "Imported 5 users, 1 device, 1 voicemail box, 1 menu and 1 media file into PBX account "
    )


def pending_sales(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Sales saved while the PBX folder cannot be written (a file where a folder should be)."""
    directory = env / "dir.yaml"
    directory.write_text(
        "users:\n  - {name: Alice Smith, email: alice@example.com, extension: '101'}\n"
    )
    groups = env / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 30}]\n"
    )
    (env / "callflows").write_text("not a folder")
    assert main(["directory", "import", str(directory)]) == 0
    assert main(["import", str(groups)]) == 0
    assert "the PBX has not taken the change yet" in capsys.readouterr().out


def test_jobs_run_pbx_outbox_pushes_what_the_pbx_missed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pending_sales(env, capsys)

    assert main(["jobs", "run", "pbx-outbox"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("groupbot jobs run pbx-outbox: the PBX did not take 1 change: Sales (")
    assert err.count("\n") == 1

    (env / "callflows").unlink()
    assert main(["jobs", "run", "pbx-outbox", "--workspace", "T0CLI"]) == 0
    assert capsys.readouterr().out == "pbx-outbox: pushed 1 change: Sales\n"
    assert len(list((env / "callflows").rglob("*.json"))) == 3
    assert main(["jobs", "run", "pbx-outbox"]) == 0
    assert capsys.readouterr().out == "pbx-outbox: nothing to push: the PBX has every change\n"


def test_jobs_run_an_unknown_job_lists_the_known_ones(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "run", "no-such-job"]) == 2
    assert capsys.readouterr().err == (
        "groupbot jobs run: no job 'no-such-job'; the jobs are: directory-sync, "
        "pbx-outbox, recordings-sync, storage-alerts, storage-report, storage-rollup, "
        "usergroup-mirror\n"
    )


def test_jobs_run_storage_report_posts_it_now(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.app import build_services
    from bot.config import Settings
    from bot.services import Actor, WorkspaceSettings
    from slackemu.server import SlackEmulator

    with SlackEmulator(tokens=["xoxb-cli"]) as emu:
        emu.add_channel("C0ALERTS", "alerts")
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli")
        monkeypatch.setenv("SLACK_API_URL", emu.base_url)
        build_services(Settings()).setup_workspace(
            Actor("T0CLI", "UADMIN", is_admin=True),
            WorkspaceSettings("T0CLI", "e" * 32, 10**9, alert_channel="C0ALERTS"),
        )

        assert main(["jobs", "run", "storage-report", "--workspace", "T0CLI"]) == 0
        assert capsys.readouterr().out == ("storage-report: T0CLI: report posted to <#C0ALERTS>\n")
        assert main(["jobs", "run", "storage-alerts"]) == 0
        assert capsys.readouterr().out == "storage-alerts: no threshold newly crossed\n"

        report, chart = emu.messages_to("C0ALERTS")
        assert report["text"] == "Recording storage: 0 B used of 1 GB (0 %)"
        assert chart["files"]


def test_clock_keeps_its_jobs_in_the_database_until_sigterm(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    handlers: dict[int, Any] = {}
    monkeypatch.setattr(
        signal, "signal", lambda signum, handler: handlers.update({signum: handler})
    )
    exit_codes: list[int] = []
    clock = threading.Thread(target=lambda: exit_codes.append(main(["clock"])))
    clock.start()
    engine = create_engine(f"sqlite:///{env / 'cli.db'}")
    try:
        deadline = time.monotonic() + 30
        jobs: list[str] = []
        # waits for the clock to start (the database is migrated first)
        while (len(jobs) < 6 or signal.SIGTERM not in handlers) and time.monotonic() < deadline:
            time.sleep(0.05)
            with suppress(OperationalError), engine.connect() as conn:
                jobs = list(conn.scalars(text("SELECT id FROM apscheduler_jobs ORDER BY id")))
    finally:
        handlers[signal.SIGTERM](signal.SIGTERM, None)
        clock.join(30)
        engine.dispose()
    assert jobs == [
        "directory-sync",
        "pbx-outbox",
        "recordings-sync",
        "storage-alerts",
        "storage-rollup",
        "usergroup-mirror",
    ]
    assert exit_codes == [0]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("PBX_BACKEND", "bogus", "PBX_BACKEND is not usable: Input should be 'file' or 'kazoo'"),
        ("PORT", "abc", "PORT is not usable: Input should be a valid integer"),
    ],
)
def test_a_setting_that_cannot_be_used_is_one_line_naming_it(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["export"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"groupbot export: {says}")
    assert err.count("\n") == 1
