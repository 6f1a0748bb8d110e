"""Recordings kept as files in RECORDINGS_DIR, as ``recordings-sync`` counts them.

The layout (docs/storage.md), which groupbot's recording endpoint writes and this reads:

    <RECORDINGS_DIR>/<Slack team id>/<PBX group id>/<recording id>.mp3|.wav
    <RECORDINGS_DIR>/<Slack team id>/_/<recording id>.mp3|.wav     no known group
    <RECORDINGS_DIR>/<Slack team id>/<recording id>.mp3|.wav       no known group

A name starting with ``.`` is a file being written (the endpoint writes a temporary
file and renames it into place) and is skipped, as is anything not mp3 or wav. The
recording id is the file name without its extension; the recording's time is the
file's modification time; its size is the file's.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMATS = frozenset({"mp3", "wav"})
NO_GROUP = "_"
MAX_ID = 128  # recordings.recording_id
MAX_GROUP_ID = 32


@dataclass(frozen=True)
class RecordingFile:
    team_id: str
    pbx_group_id: str  # "" when the layout names no group
    recording_id: str
    format: str
    bytes: int
    created_at: datetime


def team_folders(root: Path) -> list[str]:
    """The Slack team ids that have a folder under ``root`` (none when it is absent)."""
    if not root.is_dir():
        return []
    return sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith("."))


def recording_files(root: Path, team_id: str) -> Iterator[RecordingFile]:
    """Every recording file of the team's folder, in no particular order."""
    folder = root / team_id
    if not folder.is_dir():
        return
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            group = "" if entry.name == NO_GROUP else entry.name
            if len(group) > MAX_GROUP_ID:
                continue
            for inner in os.scandir(entry.path):
                found = _recording(team_id, group, inner)
                if found is not None:
                    yield found
        else:
            found = _recording(team_id, "", entry)
            if found is not None:
                yield found


def _recording(team_id: str, group: str, entry: os.DirEntry[str]) -> RecordingFile | None:
    stem, dot, extension = entry.name.rpartition(".")
    extension = extension.lower()
    if entry.name.startswith(".") or not dot or extension not in FORMATS:
        return None
    if not stem or len(stem) > MAX_ID or not entry.is_file():
        return None
    try:
        stat = entry.stat()
    except FileNotFoundError:  # renamed or removed while we looked
        return None
    return RecordingFile(
        team_id=team_id,
        pbx_group_id=group,
        recording_id=stem,
        format=extension,
        bytes=stat.st_size,
        created_at=datetime.fromtimestamp(stat.st_mtime, UTC),
    )


# the endpoint's uploads in progress: ``.<name>.<8 hex>.part`` (bot/recording_endpoint.py)
_PARTIAL = re.compile(r"\..+\.[0-9a-f]{8}\.part")


def remove_partial_uploads(root: Path, older_than: float) -> int:
    """Remove the ``.part`` files of uploads that never finished (a process killed
    mid-upload), older than ``older_than`` seconds so that an upload still under way in
    another process is left alone; how many were removed."""
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for team in os.scandir(root):
        if not team.is_dir() or team.name.startswith("."):
            continue
        for group in os.scandir(team.path):
            if not group.is_dir():
                continue
            for entry in os.scandir(group.path):
                if not _PARTIAL.fullmatch(entry.name):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
    return removed
