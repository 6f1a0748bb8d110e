"""The shell's input: bytes that are not text, and lines too long to be a command, are
refused line by line; the session goes on (issue 9: invalid UTF-8 ended it with a
traceback)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.shell.session import Session
from bot.shell.terminal import MAX_LINE, PipedLines
from tests.commands.inprocess import InProcess, app
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below


def shell_bytes(tmp_path: Path, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """``groupbot shell`` as the user runs it, reading ``stdin`` byte for byte."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "KAZOO_", "PBX_", "GROUPBOT_")) and key != "DATABASE_URL"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'groupbot.db'}"
    env["PBX_EXPORT_DIR"] = str(tmp_path / "callflows")
    env["PYTHONIOENCODING"] = "utf-8"  # the terminal's encoding, whatever the test's locale
    return subprocess.run(
        [sys.executable, "-m", "bot", "shell"],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_bytes_that_are_not_utf8_are_a_refused_line_and_the_shell_goes_on(
    tmp_path: Path,
) -> None:
    ran = shell_bytes(tmp_path, b"/group show \xff\xfeabc\n/group list\n")

    out, err = ran.stdout.decode(), ran.stderr.decode()
    assert "Traceback" not in err, err
    assert "groupbot> /group show \\xff\\xfeabc\n" in out  # the transcript shows the bytes
    assert (
        "✗ That line is not UTF-8 text (byte 0xFF at character 13); it was skipped. "
        "Type it again as text." in out
    )
    assert "No ring groups yet" in out  # the next line ran
    assert ran.returncode == 1  # a refused line is a failed one


def piped(app: InProcess, data: bytes) -> tuple[int, str]:
    """A whole session over the real app, reading ``data`` as a pipe would give it."""
    out = io.StringIO()
    source = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")  # strict, like stdin
    session = Session(app.chat, app.admin, PipedLines(source, out), out)
    return session.run(), out.getvalue()


def test_a_line_longer_than_the_shell_reads_is_refused_unread(app: InProcess) -> None:
    status, out = piped(app, b"/group show " + b"x" * MAX_LINE + b"\n/group list\n")

    assert f"✗ That line is {MAX_LINE + 12:,} characters long; the shell reads lines" in out
    assert "x" * 100 not in out  # not echoed in full
    assert "No ring groups yet" in out
    assert status == 1


def test_a_command_over_4000_characters_reaches_the_app_and_is_refused(app: InProcess) -> None:
    status, out = piped(app, b"/group show " + b"x" * 5_000 + b"\n/group list\n")

    assert "That command is 5,005 characters long; /group reads at most 4,000." in out
    assert "No ring groups yet" in out
    assert status == 1


def test_an_undecodable_answer_in_a_form_is_refused_and_asked_again(app: InProcess) -> None:
    alice = app.person("alice")
    answers = ["/group create", "Sup\udcffport", "Support", "202", f"@{alice.handle}", ""]
    status, out = piped(app, "\n".join(answers).encode("utf-8", "surrogateescape") + b"\n")

    assert "  ✗ That line is not UTF-8 text (byte 0xFF at character 4)" in out
    assert app.services.get_group(app.team, "Support").group.extension == "202"
    assert status == 0  # the form was answered in the end
