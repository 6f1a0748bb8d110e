"""`groupbot export` and `groupbot import`: a workspace restores from its own export, all of
a file or none of it, on SQLite and PostgreSQL and the local PBX folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main
from tests.db import *  # noqa: F403

DIRECTORY = """\
users:
  - {name: Alice Smith, email: alice@example.com, extension: '101'}
  - {name: Bob Jones, email: bob@example.com, extension: '102'}
  - {name: Carol White, email: carol@example.com, extension: '103'}
"""

# Billing sends unanswered calls to Support, written after it, and Support back to Billing.
GROUPS = """\
groups:
  - name: Billing
    extension: '201'
    numbers: ['+14155550100']
    members:
      - {user: alice@example.com, start: 0, end: 30}
      - {user: bob@example.com, start: 10, end: 40}
    features:
      next_action: {kind: group, target: Support}
  - name: Support
    extension: '202'
    members: [{user: carol@example.com, start: 0, end: 25}]
    features:
      next_action: {kind: group, target: billing}
  - name: Sales
    extension: '203'
    members: [{user: bob@example.com, start: 0, end: 20}]
"""


@pytest.fixture
def env(tmp_path: Path, fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("PBX_EXPORT_DIR", str(tmp_path / "pbx"))
    monkeypatch.delenv("KAZOO_ACCOUNT_ID", raising=False)
    (tmp_path / "dir.yaml").write_text(DIRECTORY)
    (tmp_path / "groups.yaml").write_text(GROUPS)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pbx_documents(env: Path) -> list[Path]:
    """What the local PBX folder of the workspace under test holds."""
    return sorted((env / "pbx").rglob("*.json"))


def test_a_workspace_restores_from_its_own_export(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    restored = {"DATABASE_URL": os.environ["DATABASE_URL"], "PBX_EXPORT_DIR": str(env / "pbx")}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{env / 'before.db'}")
    monkeypatch.setenv("PBX_EXPORT_DIR", str(env / "before"))
    run(capsys, "db", "upgrade")
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    code, out, err = run(capsys, "import", str(env / "groups.yaml"))
    assert (code, err) == (0, "")
    assert [line for line in out.splitlines() if not line.startswith("  ")] == [
        "Billing: created (version 1)",
        "Support: created (version 1)",
        "Sales: created (version 1)",
    ]
    code, exported, _ = run(capsys, "export")
    (env / "export.yaml").write_text(exported)

    # an empty workspace on another database, with the same people in its directory
    for name, value in restored.items():
        monkeypatch.setenv(name, value)
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    code, out, err = run(capsys, "import", str(env / "export.yaml"))
    assert (code, err) == (0, "")
    assert [line for line in out.splitlines() if not line.startswith("  ")] == [
        "Billing: created (version 1)",  # the export is by name
        "Sales: created (version 1)",
        "Support: created (version 1)",
    ]

    code, again, _ = run(capsys, "export")
    assert again == exported
    assert "target: Support" in exported
    assert "user: carol@example.com" in exported
    # every group's three documents are in the new account's PBX folder
    assert len(pbx_documents(env)) == 3 * 3


def test_importing_the_same_file_again_changes_nothing_and_says_so(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    run(capsys, "import", str(env / "groups.yaml"))

    code, out, err = run(capsys, "import", str(env / "groups.yaml"))

    assert (code, err) == (0, "")
    assert [line for line in out.splitlines() if not line.startswith("  ")] == [
        "Billing: unchanged (version 1), the same as in the file",
        "Support: unchanged (version 1), the same as in the file",
        "Sales: unchanged (version 1), the same as in the file",
    ]


def test_a_group_of_the_file_with_an_account_groups_name_replaces_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    run(capsys, "import", str(env / "groups.yaml"))
    changed = env / "sales.yaml"
    changed.write_text(
        "groups:\n  - name: sales\n    extension: '204'\n"
        "    members: [{user: carol@example.com, start: 0, end: 20}]\n"
    )

    code, out, _ = run(capsys, "import", str(changed))

    assert (code, out) == (0, "sales: replaced (version 2)\n")
    code, exported, _ = run(capsys, "export")
    assert "extension: '204'" in exported
    assert "extension: '203'" not in exported


def test_a_next_action_may_name_a_group_of_the_account_and_leads_come_along(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    run(capsys, "import", str(env / "groups.yaml"))
    more = env / "more.yaml"
    more.write_text(
        "groups:\n  - name: Escalation\n    extension: '205'\n"
        "    members: [{user: alice@example.com, start: 0, end: 20}]\n"
        "    features: {next_action: {kind: group, target: SALES}}\n"
        "    leads: [U0DANA]\n"
    )

    code, out, err = run(capsys, "import", str(more))

    assert (code, out, err) == (0, "Escalation: created (version 1)\n", "")
    exported = run(capsys, "export")[1]
    escalation = exported[exported.index("name: Escalation") :].split("- name:")[0]
    assert "target: Sales" in escalation
    assert "leads:\n  - U0DANA\n  - UCLI\n" in escalation


def test_an_import_that_changes_only_the_leads_says_so(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    run(capsys, "import", str(env / "groups.yaml"))
    exported = run(capsys, "export")[1]
    with_dana = env / "with-dana.yaml"
    with_dana.write_text(exported.replace("  - UCLI\n", "  - U0DANA\n", 1))

    code, out, _ = run(capsys, "import", str(with_dana))

    assert code == 0
    assert [line for line in out.splitlines() if not line.startswith("  ")] == [
        "Billing: leads replaced (version 1)",
        "Sales: unchanged (version 1), the same as in the file",
        "Support: unchanged (version 1), the same as in the file",
    ]


def test_one_refused_group_refuses_the_file_naming_every_problem(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    bad = env / "bad.yaml"
    bad.write_text(
        "groups:\n"
        "  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 20}]\n"
        "  - name: Billing\n    extension: '202'\n"
        "    features: {next_action: {kind: group, target: Nowhere}}\n"
        "  - name: Support\n    extension: '203'\n"
        "    members: [{user: zed@example.com, start: 0, end: 20}]\n"
        "  - name: Service\n    extension: '201'\n"
        "    members: [{user: bob@example.com, start: 0, end: 20}]\n"
        "  - name: Nobody\n    extension: '204'\n"
    )

    code, out, err = run(capsys, "import", str(bad))

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "groupbot import: nothing was imported",
        "  group 1, “Sales”: extension: 201 is already used by group Service; choose a free one",
        "  group 2, “Billing”: next action target: no group named Nowhere in the account or "
        "in this file",
        "  group 3, “Support”: member 1: no PBX user has the email zed@example.com",
        "  group 4, “Service”: extension: 201 is already used by group Sales; choose a free one",
        "  group 5, “Nobody”: members: a group needs at least one member; to remove them all, "
        "delete it",
    ]
    assert run(capsys, "export")[1] == "version: 1\ngroups: []\n"
    assert pbx_documents(env) == []
    assert run(capsys, "sync", "--dry-run")[1] == "Nothing to push: the PBX has every change.\n"


def test_two_groups_of_one_name_in_a_file_are_refused(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    twice = env / "twice.yaml"
    twice.write_text(
        "groups:\n"
        "  - {name: Sales, extension: '201', members: [{user: bob@example.com}]}\n"
        "  - {name: SALES, extension: '202', members: [{user: bob@example.com}]}\n"
    )

    code, _, err = run(capsys, "import", str(twice))

    assert code == 1
    assert err == (
        "groupbot import: group 2, “SALES”: name: group 1 of this file is also named Sales; give "
        "one of them another name (nothing was imported)\n"
    )


def test_a_file_without_groups_is_one_line(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = env / "wrong.yaml"
    wrong.write_text("users: []\n")

    code, out, err = run(capsys, "import", str(wrong))

    assert (code, out) == (1, "")
    assert err == (
        "groupbot import: the file must hold a list of groups under groups: "
        "(nothing was imported)\n"
    )


def test_a_field_that_does_not_read_is_named_as_the_groups_tab_names_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "directory", "import", str(env / "dir.yaml"))
    bad = env / "bad.yaml"
    bad.write_text(
        "groups:\n"
        "  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 20}]\n"
        "    features: {caller_id_prepend: {enabled: true, name_prefix: '" + "x" * 65 + "'}}\n"
        "  - 17\n"
        "  - name: Desk\n    extension: '204'\n"
        "    members: [{user: alice@example.com, start: 50, end: 20}]\n"
    )

    code, _, err = run(capsys, "import", str(bad))

    assert code == 1
    assert err.splitlines() == [
        "groupbot import: nothing was imported",
        "  group 1, “Sales”: Caller-ID name prefix must be at most 64 characters",
        "  group 2: must be a mapping of name, extension, members, …",
        "  group 3, “Desk”: member 1: end (20 s) must be after start (50 s); a member rings "
        "from start to end",
    ]
