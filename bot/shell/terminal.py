"""The terminal around a session: where lines come from, and what reached the PBX folder."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, TextIO

CANCEL = "/cancel"


class Lines(Protocol):
    def read(self, prompt: str) -> str | None:
        """The next line without its newline, or None at the end of input."""
        ...


class PipedLines:
    """Lines from a pipe or file, echoed after their prompt so the transcript reads well."""

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
