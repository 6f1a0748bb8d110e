"""The terminal around a session: where lines come from, and what reached the PBX folder."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import sys
from pathlib import Path
from typing import Protocol, TextIO

CANCEL = "/cancel"
# The longest line the shell reads: well over a /group line (the app refuses those past
# 4,000 characters and says so), short enough that a runaway paste costs nothing.
MAX_LINE = 10_000
# What reading with ``surrogateescape`` makes of each byte that is not text.
UNDECODABLE = re.compile("[\udc80-\udcff]")


class RefusedLine(Exception):
    """A line the shell cannot take as typed text (bytes that are not text in the input's
    encoding, or too long to be a command): it is skipped, and the session goes on."""


def readable(source: TextIO) -> TextIO:
    """``source``, reading a byte that is not text as a mark the shell can refuse, rather
    than ending with UnicodeDecodeError part-way through a line."""
    if isinstance(source, io.TextIOWrapper) and source.errors == "strict":
        source.reconfigure(errors="surrogateescape")
    return source


def checked(line: str, encoding: str | None) -> str:
    """``line``, or RefusedLine saying what is wrong with it."""
    if (bad := UNDECODABLE.search(line)) is not None:
        byte, where = ord(bad[0]) - 0xDC00, bad.start() + 1
        raise RefusedLine(
            f"That line is not {(encoding or 'UTF-8').upper()} text (byte 0x{byte:02X} at "
            f"character {where}); it was skipped. Type it again as text."
        )
    if len(line) > MAX_LINE:
        raise _too_long(len(line))
    return line


def _too_long(length: int) -> RefusedLine:
    return RefusedLine(
        f"That line is {length:,} characters long; the shell reads lines of at most "
        f"{MAX_LINE:,}. It was skipped."
    )


def printable(line: str) -> str:
    """``line`` as the transcript shows it: a byte that is not text as ``\\xff``."""
    return UNDECODABLE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}", line)


class Lines(Protocol):
    # False when the lines come from a pipe or file: no one can answer a question again
    interactive: bool

    def read(self, prompt: str) -> str | None:
        """The next line without its newline, or None at the end of input; RefusedLine
        for a line that cannot be read as text."""
        ...


class CommandLine(Exception):
    """A line starting with ``/`` was read where an answer was expected (a form field, a
    confirmation): it gives up what was being asked, and runs as the next command."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line
        self.told = False  # the user has been told what was given up


def answer(lines: Lines, prompt: str) -> str | None:
    """An answer to a question: the next line, None at the end of input, ``CANCEL`` for
    ``/cancel``; raises :class:`CommandLine` for any other line starting with ``/``."""
    line = lines.read(prompt)
    if line is None:
        return None
    stripped = line.strip()
    if stripped == CANCEL:
        return CANCEL
    if stripped.startswith("/"):
        raise CommandLine(stripped)
    return line


class PipedLines:
    """Lines from a pipe or file, echoed after their prompt so the transcript reads well."""

    interactive = False

    def __init__(self, source: TextIO, out: TextIO) -> None:
        self._source = readable(source)
        self._out = out

    def read(self, prompt: str) -> str | None:
        # at most MAX_LINE characters and a newline are held, however long the line is
        line = self._source.readline(MAX_LINE + 2)
        if not line:
            return None
        text = line.rstrip("\r\n")
        if len(text) > MAX_LINE:
            length = len(text) + (0 if line.endswith("\n") else self._skip_rest_of_line())
            self._echo(prompt, text[:80] + "…")
            raise _too_long(length)
        self._echo(prompt, text)
        return checked(text, getattr(self._source, "encoding", None))

    def _echo(self, prompt: str, text: str) -> None:
        self._out.write(f"{prompt}{printable(text)}\n")
        self._out.flush()

    def _skip_rest_of_line(self) -> int:
        """Reads past the rest of an over-long line; how many characters it had."""
        skipped = 0
        while chunk := self._source.readline(MAX_LINE):
            skipped += len(chunk.rstrip("\r\n"))
            if chunk.endswith("\n"):
                break
        return skipped


class TerminalLines:
    """Interactive input with line editing and history (readline) when it is available."""

    interactive = True

    def __init__(self) -> None:
        readable(sys.stdin)
        # importing readline is what turns line editing on for input()
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401

    def read(self, prompt: str) -> str | None:
        try:
            line = input(prompt)
        except EOFError:
            print()
            return None
        except KeyboardInterrupt:
            # Ctrl-C gives up what is being asked (a form, a confirmation), not the shell
            print()
            return CANCEL
        return checked(line, sys.stdin.encoding)


class ExportWatch:
    """The compiled documents in PBX_EXPORT_DIR, and what changed there since last asked."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._seen = self._snapshot()

    def changes(self) -> list[str]:
        """``→ wrote …``, ``→ updated …``, ``→ removed …`` since the last call."""
        now = self._snapshot()
        before, self._seen = self._seen, now
        lines = []
        for path in now:
            if before.get(path) != now[path]:
                verb = "wrote" if path not in before else "updated"
                lines.append(f"→ {verb} {shown_path(path)}")
        lines.extend(f"→ removed {shown_path(path)}" for path in before if path not in now)
        return lines

    def _snapshot(self) -> dict[Path, str]:
        if self.folder is None or not self.folder.is_dir():
            return {}
        return {
            path: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.folder.rglob("*.json"))
            if path.is_file()
        }


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
