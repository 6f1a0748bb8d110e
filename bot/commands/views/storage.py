"""Recording storage: the report (daily in the alert channel, ``/group storage`` on
demand), the threshold alerts, App Home's gauge, and the note when nothing is posted.

Sizes are in decimal units (1 GB = 10⁹ bytes), as the Setup form's limit is.
"""

from __future__ import annotations

from datetime import date

from bot.commands.ids import Block
from bot.commands.views.common import (
    Message,
    clip,
    context,
    escape,
    escape_name,
    fields_section,
    header,
    section,
)
from bot.services import StorageAlert, StorageReport

GAUGE_CELLS = 20
SETUP_HINT = "an admin sets one in `/group setup`"
GO_NOWHERE = "No alert channel is set, so the daily report and the threshold alerts go nowhere"
NO_CHANNEL = f"{GO_NOWHERE}: {SETUP_HINT}."
CHART_WHERE = "The chart of the last 30 days is in your direct messages with groupbot."
LEVEL_ICONS = {"warning": ":warning:", "critical": ":rotating_light:", "full": ":no_entry:"}


def size(count: int) -> str:
    """``1.25 GB``, ``350 MB``, ``12 kB``, ``0 B``: three significant digits at most."""
    value = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 999.5 or unit == "TB":  # 999.6 kB shows as 1 MB, not 1000 kB
            break
        value /= 1000
    if unit == "B":
        return f"{count} B"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    shown = f"{value:.{digits}f}"
    if digits:  # 1.50 → 1.5, 2.00 → 2; never 100 → 1
        shown = shown.rstrip("0").rstrip(".")
    return f"{shown} {unit}"


def gauge(percent: float) -> str:
    """``████████░░░░░░░░░░░░`` (a code span), full at 100 % and beyond."""
    filled = min(GAUGE_CELLS, round(max(percent, 0) * GAUGE_CELLS / 100))
    return "`" + "█" * filled + "░" * (GAUGE_CELLS - filled) + "`"


def usage_line(report: StorageReport) -> str:
    """The used / limit line with its gauge (the report's first block and App Home)."""
    percent = report.percent
    if report.limit_bytes is None or percent is None:
        return f"*{size(report.used_bytes)} used*, no limit set ({SETUP_HINT})"
    over = " — over the limit" if report.full else ""
    return (
        f"*{size(report.used_bytes)} of {size(report.limit_bytes)} used "
        f"({percent:.0f} %)*{over}\n{gauge(percent)} {percent:.0f} %"
    )


def home_gauge(report: StorageReport, *, admin: bool = True) -> str:
    """App Home's storage section (mrkdwn); the missing alert channel is said to admins,
    who can set it (to anyone else it is a setting they cannot act on)."""
    line = usage_line(report)
    if report.alert_channel is None and admin:
        line += f"\n_{NO_CHANNEL}_"
    return line


def forecast_text(report: StorageReport) -> str:
    if report.limit_bytes is None:
        return "no limit set"
    if report.full:
        return "reached already"
    if report.forecast is None:
        return "not within a year"
    days = (report.forecast - report.at.date()).days
    return f"{_day(report.forecast)} (in {days} day{'' if days == 1 else 's'})"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def report_message(report: StorageReport, *, on_demand: bool = False) -> Message:
    """The storage report. ``on_demand`` (``/group storage``): says where the chart went,
    and that nothing is posted when no alert channel is set."""
    blocks = [
        header("Recording storage"),
        section(usage_line(report) + f"\n{report.recordings:,} recordings", Block.STORAGE_USAGE),
        fields_section(
            [
                ("Last 7 days", f"+{size(report.growth_7d)}"),
                ("Last 30 days", f"+{size(report.growth_30d)}"),
                ("Limit reached", forecast_text(report)),
            ],
            Block.STORAGE_TREND,
        ),
        section(_groups(report), Block.STORAGE_GROUPS),
    ]
    notes = [
        f"As of {report.at:%H:%M} on {_day(report.at.date())}, {escape(report.time_zone)} time; "
        "days are this time zone's."
    ]
    if on_demand:
        notes.append(CHART_WHERE)
        if report.alert_channel is None:
            notes.append(NO_CHANNEL)
    blocks.append(context(notes, Block.STORAGE_NOTE))
    percent = report.percent
    summary = f"Recording storage: {size(report.used_bytes)} used" + (
        f" of {size(report.limit_bytes)} ({percent:.0f} %)"
        if report.limit_bytes and percent is not None
        else ""
    )
    return {"text": summary, "blocks": blocks}


def _groups(report: StorageReport) -> str:
    if not report.top_groups:
        return "*Groups using the most*\nNo recordings yet."
    lines = ["*Groups using the most*"]
    for rank, group in enumerate(report.top_groups, 1):
        name = f"*{escape_name(group.name)}*" if group.name else "_no group_"
        count = f"{group.count:,} recording{'' if group.count == 1 else 's'}"
        lines.append(f"{rank}. {name}: {size(group.bytes)} ({count})")
    if report.other_groups:
        lines.append(f"…and {report.other_groups} more")
    return clip("\n".join(lines), 3000)


def alert_message(alert: StorageAlert) -> Message:
    """One threshold crossed upward: which, and the usage now."""
    used = f"{size(alert.used_bytes)} of {size(alert.limit_bytes)} used ({alert.percent:.0f} %)"
    text = (
        f"{LEVEL_ICONS[alert.level]} *Recording storage passed the {alert.level} threshold "
        f"({alert.threshold} %)*: {used}."
    )
    blocks = [
        section(text, Block.STORAGE_ALERT),
        context([f"{gauge(alert.percent)} `/group storage` shows the report."]),
    ]
    return {
        "text": f"Recording storage passed the {alert.level} threshold "
        f"({alert.threshold} %): {used}",
        "blocks": blocks,
    }


def chart_title(report: StorageReport) -> str:
    return f"Recording storage, last 30 days ({report.time_zone})"


def setup_saved(account_id: str, alert_channel: str | None) -> Message:
    """After the Setup form: saved, and where reports go (or that they go nowhere)."""
    text = f"Saved the workspace setup (PBX account {account_id})."
    if alert_channel is None:
        text += f"\n{GO_NOWHERE}."
    else:
        text += f"\nThe daily storage report and alerts go to <#{alert_channel}>."
    return {"text": clip(text, 3000), "blocks": [section(text)]}
