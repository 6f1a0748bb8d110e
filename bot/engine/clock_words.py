"""A moment as a person reads it on their own clock: ``14:00`` today, ``tomorrow 09:00``,
else ``Tue 1 Dec 09:00`` (the day without a leading zero, as the history says it)."""

from __future__ import annotations

from datetime import datetime

from bot.engine.presence import zone


def until_words(until: datetime, now: datetime, time_zone: str | None) -> str:
    """``until`` on the clock of ``time_zone`` (Slack's ``tz``; UTC when unknown)."""
    tz = zone(time_zone)
    local, today = until.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    clock = f"{local:%H:%M}"
    if days == 0:
        return clock
    if days == 1:
        return f"tomorrow {clock}"
    return f"{local:%a} {local.day} {local:%b} {clock}"
