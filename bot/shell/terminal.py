"""The terminal around a session: where lines come from, and what reached the PBX folder."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, TextIO

CANCEL = "/cancel"


class Lines(Protocol):
    # False when the lines come from a pipe or file: no one can answer a question again
    interactive: bool

    def read(self, prompt: str) -> str | None:
        """The next line without its newline, or None at the end of input."""
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
        self._lines: Iterator[str] = iter(source)
        self._out = out

    def read(self, prompt: str) -> str | None:
        line = next(self._lines, None)
        if line is None:
            return None
        line = line.rstrip("\r\n")
        self._out.write(f"{prompt}{line}\n")
        self._out.flush()
        return line


class TerminalLines:
    """Interactive input with line editing and history (readline) when it is available."""

    interactive = True

    def __init__(self) -> None:
        # importing readline is what turns line editing on for input()
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            print()
            return None
        except KeyboardInterrupt:
            # Ctrl-C gives up what is being asked (a form, a confirmation), not the shell
            print()
            return CANCEL


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
