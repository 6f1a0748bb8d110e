"""The ring timeline as monospace text bars: one line per member on one 0–max scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.commands.views.common import FENCE, TEXT_LIMIT, clip, fenced
from bot.commands.views.presence import pause_mark
from bot.engine.model import Group

RING, QUIET = "█", "░"
BAR_WIDTH = 24
NAME_WIDTH = 16


@dataclass(frozen=True)
class TimelineEntry:
    name: str
    start: int
    end: int
    note: str = ""  # after the window: "⏸ until 14:00" for a member paused now


def member_entries(
    group: Group,
    names: Mapping[str, str],
    now: datetime | None = None,
    time_zone: str | None = None,
) -> list[TimelineEntry]:
    """One entry a member; with ``now``, those paused then say until when (on the
    reader's clock, ``time_zone``)."""
    return [
        TimelineEntry(
            names.get(m.user_id, m.user_id),
            m.start,
            m.end,
            pause_mark(m.paused_until, now, time_zone) if now else "",
        )
        for m in group.members
    ]


def bar(start: int, end: int, scale: int, width: int = BAR_WIDTH) -> str:
    """``start``–``end`` seconds as filled cells on a 0–``scale`` bar of ``width`` cells."""
    scale = max(scale, 1)
    first = min(width - 1, max(0, start * width // scale))
    last = max(first + 1, min(width, -(-end * width // scale)))
    return QUIET * first + RING * (last - first) + QUIET * (width - last)


def timeline_lines(entries: Sequence[TimelineEntry], width: int = BAR_WIDTH) -> list[str]:
    """One line per member, ``Dana  ███░░░  0–20 s``, over the same 0–max scale."""
    if not entries:
        return ["(no members)"]
    scale = max(e.end for e in entries)
    names = [clip(e.name, NAME_WIDTH) for e in entries]
    pad = max(len(n) for n in names)
    axis = f"{'':<{pad}}  0 s".ljust(pad + 2 + width) + f"  {scale} s"
    lines = [axis.rstrip()]
    for name, entry in zip(names, entries, strict=True):
        window = f"{entry.start}–{entry.end} s" + (f"  {entry.note}" if entry.note else "")
        lines.append(f"{name:<{pad}}  {bar(entry.start, entry.end, scale, width)}  {window}")
    return lines


def timeline_text(entries: Sequence[TimelineEntry], width: int = BAR_WIDTH) -> str:
    """The timeline as a fenced block that fits one section (bars narrow if needed)."""
    for w in (width, 16, 10):
        text = fenced(timeline_lines(entries, w))
        if len(text) <= TEXT_LIMIT:
            return text
    return clip(fenced(timeline_lines(entries, 10)), TEXT_LIMIT - len(FENCE)) + FENCE
