"""Pauses: Kazoo's ``disable_until`` clock, and how long a pause typed in Slack lasts.

Kazoo counts seconds from 0000-01-01 (Gregorian seconds); a ring_group member whose
``disable_until`` lies ahead is skipped until then (kazoo-smartpbx.md §c.2).

``pause_end(words, now, time_zone)`` reads ``for 45m``, ``for 2h``, ``for 1h30m`` (also
``for 1 hour``, ``90 min``: the "for" may be left out), ``until 14:00``, ``until 5pm``,
``until 9am tomorrow``, ``until tomorrow`` (09:00 the next day) or nothing: the end of the
working day (18:00) in the person's time zone, or 09:00 the next day once that has passed.
A pause ends at most ``MAX_PAUSE`` ahead.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.errors import FieldErrors

GREGORIAN_OFFSET = 62167219200  # seconds from 0000-01-01 to 1970-01-01
MAX_PAUSE = timedelta(days=7)
WORKDAY_END = time(18, 0)
WORKDAY_START = time(9, 0)

# "for 2h", "for 1h30m", "for 1 hour 30 minutes", "90 min", "2 hours": "for" may be left out
_FOR = re.compile(
    r"^(?:for\s+)?(?:(\d{1,5})\s*h(?:(?:ou)?rs?)?)?\s*(?:(\d{1,5})\s*m(?:in(?:ute)?s?)?)?$",
    re.IGNORECASE,
)
# "until 14:00", "until 9am", "until 5:30 pm", "until 17"; "until tomorrow 9am", "until
# 9am tomorrow"
_UNTIL_CLOCK = re.compile(
    r"^until\s+(tomorrow\s+)?(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(\s+tomorrow)?$",
    re.IGNORECASE,
)
_FIELD = "until"


def to_gregorian(moment: datetime) -> int:
    return int(moment.timestamp()) + GREGORIAN_OFFSET


def from_gregorian(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds - GREGORIAN_OFFSET, UTC)


def zone(name: str | None) -> ZoneInfo:
    """The person's time zone (Slack's ``tz``), UTC when Slack gave none we know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def pause_end(words: str | None, now: datetime, time_zone: str | None = None) -> datetime:
    """When a pause asked for with ``words`` ends, as an aware UTC moment."""
    tz = zone(time_zone)
    local_now = now.astimezone(tz)
    text = " ".join((words or "").split())
    if not text:
        end = _at(local_now, WORKDAY_END)
        if end <= local_now:
            end = _at(local_now + timedelta(days=1), WORKDAY_START)
    elif text.casefold() == "until tomorrow":
        end = _at(local_now + timedelta(days=1), WORKDAY_START)
    elif (match := _FOR.match(text)) and (match[1] or match[2]):
        hours, minutes = int(match[1] or 0), int(match[2] or 0)
        if hours * 60 + minutes == 0:
            raise FieldErrors({_FIELD: _usage(f"'{text}' is no time at all")})
        if timedelta(minutes=hours * 60 + minutes) > MAX_PAUSE:
            raise FieldErrors({_FIELD: _too_long(text)})
        # a length is real time: across a clock change 2h is still 2h, so add it in UTC
        end = (now.astimezone(UTC) + timedelta(hours=hours, minutes=minutes)).astimezone(tz)
    elif (match := _UNTIL_CLOCK.match(text)) and not (match[1] and match[5]):
        hour, minute = _clock(match[2], match[3], match[4])
        if hour > 23 or minute > 59:
            said = text.split(maxsplit=1)[1]
            raise FieldErrors({_FIELD: _usage(f"{said} is not a time of day")})
        end = _at(local_now, time(hour, minute))
        tomorrow = bool(match[1] or match[5])
        if tomorrow or end <= local_now:  # 14:00 said at 15:00 means tomorrow's too
            end = _at(local_now + timedelta(days=1), time(hour, minute))
    else:
        raise FieldErrors({_FIELD: _usage(f"'{text}' is not a length of pause")})
    end_utc = end.astimezone(UTC)
    if end_utc - now.astimezone(UTC) > MAX_PAUSE:  # aware subtraction in UTC: real time
        raise FieldErrors({_FIELD: _too_long(text)})
    return end_utc.replace(microsecond=0)


def _clock(hour: str, minute: str | None, half: str | None) -> tuple[int, int]:
    """(hour, minute) of "14:00", "9", "5pm", "12am"; (99, 99) for no time of day."""
    h, m = int(hour), int(minute or 0)
    if half is None:
        return h, m
    if not 1 <= h <= 12:
        return 99, 99  # "13pm"
    pm = half.lower().startswith("p")
    return (h % 12) + (12 if pm else 0), m


def _at(day: datetime, clock: time) -> datetime:
    tz = day.tzinfo
    return datetime.combine(day.date(), clock, tzinfo=tz)


def _too_long(text: str) -> str:
    return _usage(f"'{text}' is longer than a pause lasts (7 days at most)")


def _usage(problem: str) -> str:
    return (
        f"{problem}: say for 45m, for 2h, for 1h30m, until 14:00, until 5pm or until tomorrow "
        "(or nothing: until 18:00 your time; after 18:00: 09:00 tomorrow)."
    )


def moment_words(moment: datetime) -> str:
    """ "Mon 30 Nov 14:00 UTC": the history reads the same whoever looks at it."""
    utc = moment.astimezone(UTC)
    return f"{utc:%a} {utc.day} {utc:%b %H:%M} UTC"  # "Tue 1 Dec", as replies say it
