"""``groupbot shell`` end to end: piped stdin, the real app, the emulator, SQLite and the
local PBX folder, run as the user runs it (a subprocess in a scratch directory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

Shell = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    """Runs ``groupbot shell [args]`` with ``lines`` on stdin, in ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "KAZOO_", "PBX_", "GROUPBOT_")) and key != "DATABASE_URL"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'groupbot.db'}"
    env["PBX_EXPORT_DIR"] = str(tmp_path / "callflows")

    def run(*lines: str, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "shell", *args],
            input="".join(line + "\n" for line in lines),
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )

    return run


def documents(tmp_path: Path) -> dict[str, dict[str, object]]:
    """The compiled documents in PBX_EXPORT_DIR, by ``<collection>/<id>``."""
    folder = tmp_path / "callflows"
    return {
        f"{path.parent.name}/{path.stem}": json.loads(path.read_text())
        for path in sorted(folder.rglob("*.json"))
    }


def ring_group(docs: dict[str, dict[str, object]]) -> dict[str, object]:
    base = next(d for d in docs.values() if d.get("type") == "baseGroup")
    flow = base["flow"]
    assert isinstance(flow, dict)
    data = flow["data"]
    assert isinstance(data, dict)
    return data


def test_a_scripted_session_from_create_to_delete(shell: Shell, tmp_path: Path) -> None:
    created = shell("/group create Sales 201 @alice @bob", "/group list")

    assert created.returncode == 0, created.stdout + created.stderr
    assert "Created Sales." in created.stdout
    docs = documents(tmp_path)
    assert sorted(key.split("/")[0] for key in docs) == ["callflows", "callflows", "groups"]
    for key in docs:
        assert f"→ wrote callflows/{key}.json" in created.stdout
    assert [d["name"] for d in docs.values() if "type" in d] == sorted(
        ["Sales Base Group", "Sales Ring Group"],
        key=[d.get("name") for d in docs.values() if "type" in d].index,
    )

    # a second session finds the group in the same database and folder
    session = shell(
        "/group add Sales @carol",
        "/group distribute Sales 60",
        "/group record Sales on wav limit=300",
        "/group forward Sales allow",
        "/group show Sales",
        "/group simulate Sales",
    )

    assert session.returncode == 0, session.stdout + session.stderr
    group = ring_group(documents(tmp_path))
    endpoints = group["endpoints"]
    assert isinstance(endpoints, list)
    assert [(e["delay"], e["timeout"]) for e in endpoints] == [(0, 20), (20, 20), (40, 20)]
    show = session.stdout.split("groupbot> /group show Sales\n")[1]
    assert "[1] Edit  [2] Members  [3] Features  [4] Simulate  [5] Delete ⚠" in show
    user_flow = next(d for d in documents(tmp_path).values() if d.get("type") == "userGroup")
    assert "record_call" in json.dumps(user_flow)
    assert "simulation-Sales.png" in session.stdout

    deleted = shell("/group delete Sales", "#1", "y", "/group list")

    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert "Delete group (y) or Cancel (n)? y" in deleted.stdout
    assert documents(tmp_path) == {}
    assert deleted.stdout.count("→ removed callflows/") == 3


def test_a_modal_filled_through_its_form(shell: Shell, tmp_path: Path) -> None:
    result = shell(
        "/group create",
        "Support",  # Group name
        "202",  # Extension
        "@carol @dana",  # Members
        "",  # More extensions and phone numbers: keep (none)
        "/group list",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Group name: Support\nExtension *" in result.stdout
    assert "Support · ext 202 · 2 members" in result.stdout
    assert [d["name"] for d in documents(tmp_path).values() if "type" not in d] == ["Support"]


def test_a_field_error_is_shown_and_the_field_asked_again(shell: Shell, tmp_path: Path) -> None:
    result = shell(
        "/group create",
        "Support",
        "12",  # refused by the app
        "@carol",
        "",
        "202",  # the correction
        "/group list",
    )

    assert "Please correct:\n  Extension: ✗ the group extension must be exactly 3 digits" in (
        result.stdout
    )
    assert "Extension [12]: 202" in result.stdout
    assert "Support · ext 202 · 1 member" in result.stdout
    assert len(documents(tmp_path)) == 3
    # a command that needed a correction did not go through cleanly
    assert result.returncode == 1


def test_another_user_is_refused_an_admin_only_action(shell: Shell, tmp_path: Path) -> None:
    assert shell("/group create Sales 201 @alice").returncode == 0
    before = documents(tmp_path)

    as_bob = shell("/whoami", "/group list", "/group delete Sales", args=("--as", "@bob"))

    assert "You are @bob (Bob Jones), a member, not an admin." in as_bob.stdout
    assert "Sales · ext 201" in as_bob.stdout  # everyone may list
    refusal = as_bob.stdout.split("groupbot> /group delete Sales\n")[1]
    assert refusal.startswith("── groupbot\n✗ Only an admin or a lead of Sales")
    assert documents(tmp_path) == before
    assert as_bob.returncode == 1


def test_exit_status_is_zero_only_when_every_command_succeeded(shell: Shell) -> None:
    assert shell("/group list", "/group help add").returncode == 0
    assert shell("/group list", "/group show Nope").returncode == 1
    assert shell("/group frobnicate").returncode == 1
    assert shell("hello").returncode == 1


def test_an_unknown_user_for_as_is_refused(shell: Shell) -> None:
    result = shell("/group list", args=("--as", "@zed"))

    assert result.returncode == 2
    assert "no one called @zed in this workspace; the people are @admin, @alice" in result.stderr


def test_the_home_tab_and_its_buttons(shell: Shell) -> None:
    result = shell("/group create Sales 201 @alice", "/home", "#2")

    assert result.returncode == 0, result.stdout + result.stderr
    home = result.stdout.split("groupbot> /home\n")[1]
    assert home.startswith("── groupbot (Home tab)\n")
    assert "[1] Create group" in home
    assert "[2] Show" in home
    assert "Extension: 201" in home.split("groupbot> #2\n")[1]


def test_only_admins_read_in_home_that_no_alert_channel_is_set(shell: Shell) -> None:
    result = shell("/home", "/as @alice", "/home")

    assert result.returncode == 0, result.stdout + result.stderr
    as_admin, as_alice = result.stdout.split("groupbot> /home\n")[1:]
    assert "No alert channel is set" in as_admin
    assert "No alert channel is set" not in as_alice
    assert "Recording storage" in as_alice


def test_a_home_button_that_changes_the_home_tab_shows_it_redrawn(shell: Shell) -> None:
    result = shell("/group create Sales 201 @alice @bob", "/as @alice", "/home", "#1")

    assert result.returncode == 0, result.stdout + result.stderr
    pressed = result.stdout.split("groupbot> #1\n")[1]
    assert pressed.startswith("── groupbot (Home tab)\n"), pressed
    assert "⏸ Sales: paused until" in pressed
    assert "[1] Resume" in pressed


def test_modals_that_the_app_rebuilds_as_they_are_filled(shell: Shell, tmp_path: Path) -> None:
    result = shell(
        "/group create Sales 201 @alice @bob",
        "/group members Sales",
        "Alice, Bob, Carol",  # by name, as the select offers them; a row per member follows
        *[""] * 6,  # start and end of each row: keep
        "90 #1",  # Distribute over 90 s, then press Distribute
        "/group features Sales",
        "y",  # Call recording: on, and the app shows its settings
        "wav",  # Format
        "300",  # Time limit
        "",  # URL: none
        "",  # Send recordings to groupbot: no
        *[""] * 4,  # ringback, next action, forward, prepend: keep
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("(the app updated the form)") == 3
    endpoints = ring_group(documents(tmp_path))["endpoints"]
    assert isinstance(endpoints, list)
    assert [(e["delay"], e["timeout"]) for e in endpoints] == [(0, 30), (30, 30), (60, 30)]
    user_flow = next(d for d in documents(tmp_path).values() if d.get("type") == "userGroup")
    assert '"format": "wav"' in json.dumps(user_flow)
    assert '"time_limit": 300' in json.dumps(user_flow)


def test_a_refused_modal_is_printed_not_submitted(shell: Shell, tmp_path: Path) -> None:
    assert shell("/group create Support 202 @alice").returncode == 0

    as_carol = shell(
        "/group create", "/group setup", "/group members support", args=("--as", "@carol")
    )

    out = as_carol.stdout
    assert "Create a ring group\n───────────────────\n" in out
    assert "Only a workspace admin can create a group.\n" in out
    assert "Only a workspace admin can change the workspace setup.\n" in out
    assert "Only an admin or a lead of Support can change its members." in out
    assert "(a form" not in out  # nothing to fill in
    assert "HTTP 404" not in out
    assert "Unhandled request" not in as_carol.stderr
    assert as_carol.stderr == ""


def test_the_members_modal_shows_its_timeline_preview(shell: Shell) -> None:
    result = shell(
        "/group create Sales 201 @alice @bob",
        "/group members Sales",
        *[""] * 5,  # members and their rows: keep
        "90 #1",  # Distribute over 90 s
    )

    assert result.returncode == 0, result.stdout + result.stderr
    members = result.stdout.split("groupbot> /group members Sales\n")[1]
    preview = members.split("Distribute over (s) [120]: 90 #1\n(the app updated the form)\n")[1]
    assert preview.startswith("[1] Distribute\n  Timeline preview")
    assert "0–45 s" in preview.split("── groupbot")[0]
    assert "45–90 s" in preview.split("── groupbot")[0]


def test_an_unknown_mention_is_named_before_anything_is_sent(shell: Shell, tmp_path: Path) -> None:
    result = shell("/group create Sales 201 @alice @zed")

    assert result.returncode == 1
    assert "✗ No one called @zed in this workspace; the people are @admin, @alice, @bob" in (
        result.stdout
    )
    assert "Slack" not in result.stdout  # not the app's advice about Slack's mention list
    assert documents(tmp_path) == {}


# What `pip install -e .` (the README's first command) does not install: the shell must not
# need any of it, even with ../shared beside the repository.
TEST_ONLY = ("jsonschema", "referencing", "hypothesis", "pytest")


def test_the_shell_runs_without_the_test_dependencies(tmp_path: Path) -> None:
    hide = "".join(f"sys.modules[{name!r}] = None; " for name in TEST_ONLY)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "KAZOO_", "PBX_")) and key != "DATABASE_URL"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'groupbot.db'}"
    env["PBX_EXPORT_DIR"] = str(tmp_path / "callflows")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f'import sys; {hide}from bot.cli import main; sys.exit(main(["shell"]))',
        ],
        input="/group create Sales 201 @alice @bob\n/group show Sales\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONSAFEPATH": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Created Sales" in done.stdout
    assert (tmp_path / "callflows" / "groups").is_dir()


def test_group_storage_shows_the_report_as_text(shell: Shell) -> None:
    done = shell("/group storage")

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Recording storage\n═════════════════\n0 B used, no limit set" in out
    assert "  Last 7 days: +0 B\n  Last 30 days: +0 B\n  Limit reached: no limit set\n" in out
    assert "Groups using the most\nNo recordings yet." in out
    assert "No alert channel is set, so the daily report and the threshold alerts go nowhere" in out
    assert "📎 recording-storage-" in out  # the chart, in the direct messages
