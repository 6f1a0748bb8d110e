"""The workspace Setup modal (``/group setup``, admins) and its reader.

Field names are those of ``services.WorkspaceSettings`` (``account_id``,
``storage_limit_bytes``, ``alert_channel``, ``time_zone``, ``warn_percent``,
``critical_percent``, ``full_percent``), which also key its ``FieldErrors``.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.commands.ids import Action, Block, Callback
from bot.commands.views import state as st
from bot.commands.views.common import (
    ModalMeta,
    View,
    input_block,
    modal,
    number_input,
    option,
    static_select,
    text_input,
)
from bot.errors import FieldErrors

BYTES_PER_GB = 1_000_000_000  # storage is sold in decimal gigabytes

COMMON_TIME_ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Vienna",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Bucharest",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Manila",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
)


class SetupValues(Protocol):
    """What the modal shows; ``services.WorkspaceSettings`` has this shape."""

    @property
    def account_id(self) -> str: ...
    @property
    def storage_limit_bytes(self) -> int | None: ...
    @property
    def alert_channel(self) -> str | None: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def warn_percent(self) -> int: ...
    @property
    def critical_percent(self) -> int: ...
    @property
    def full_percent(self) -> int: ...


def _gigabytes(size: int | None) -> str | None:
    if size is None:
        return None
    return f"{size / BYTES_PER_GB:.3f}".rstrip("0").rstrip(".")


def _percent(block_id: str, action_id: str, label: str, value: int) -> dict[str, Any]:
    return input_block(
        block_id,
        label,
        number_input(action_id, value, minimum=1, maximum=1000),
    )


def setup_modal(meta: ModalMeta, current: SetupValues | None = None) -> View:
    """PBX account, storage limit, alert channel, time zone, the three thresholds."""
    zone = current.time_zone if current else "UTC"
    zones = list(COMMON_TIME_ZONES)
    if zone not in zones:
        zones.insert(0, zone)
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": Action.ALERT_CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "placeholder": {"type": "plain_text", "text": "Choose a channel"},
    }
    if current and current.alert_channel:
        channel["initial_conversation"] = current.alert_channel
    blocks = [
        input_block(
            Block.ACCOUNT_ID,
            "PBX account id",
            text_input(
                Action.ACCOUNT_ID,
                current.account_id if current else None,
                placeholder="32 hex characters",
                max_length=32,
            ),
            hint="The Kazoo account that holds the ring groups.",
        ),
        input_block(
            Block.STORAGE_LIMIT,
            "Recording storage limit (GB)",
            number_input(
                Action.STORAGE_LIMIT,
                _gigabytes(current.storage_limit_bytes) if current else None,
                minimum=0.001,
                decimal=True,
            ),
            optional=True,
            hint="Kazoo has no quota: reports and alerts measure against this.",
        ),
        input_block(
            Block.ALERT_CHANNEL,
            "Alert channel",
            channel,
            optional=True,
            hint="Where the daily report and threshold alerts go.",
        ),
        input_block(
            Block.TIME_ZONE,
            "Time zone",
            static_select(Action.TIME_ZONE, [option(z, z) for z in zones], zone),
            hint="The daily report is posted at 09:00 in this zone.",
        ),
        _percent(Block.WARN, Action.WARN, "Warn at (%)", current.warn_percent if current else 80),
        _percent(
            Block.CRITICAL,
            Action.CRITICAL,
            "Critical at (%)",
            current.critical_percent if current else 95,
        ),
        _percent(Block.FULL, Action.FULL, "Full at (%)", current.full_percent if current else 100),
    ]
    return modal(Callback.SETUP, "Workspace setup", blocks, meta)


def read_setup(state: st.StateValues) -> dict[str, Any]:
    """``WorkspaceSettings`` fields (all but ``team_id``); ``FieldErrors`` for numbers
    that are not numbers."""
    errors: dict[str, str] = {}
    limit = st.decimal(state, Block.STORAGE_LIMIT, Action.STORAGE_LIMIT)
    size: int | None = None
    if isinstance(limit, str):
        errors["storage_limit_bytes"] = "the storage limit must be a number of GB, like 50"
    elif limit is not None:
        size = round(limit * BYTES_PER_GB)
    percents: dict[str, int] = {}
    for name, block_id, action_id in (
        ("warn_percent", Block.WARN, Action.WARN),
        ("critical_percent", Block.CRITICAL, Action.CRITICAL),
        ("full_percent", Block.FULL, Action.FULL),
    ):
        value = st.number(state, block_id, action_id)
        if isinstance(value, int):
            percents[name] = value
        else:
            errors[name] = "a threshold is a whole number of percent, like 80"
    if errors:
        raise FieldErrors(errors)
    return {
        "account_id": st.text(state, Block.ACCOUNT_ID, Action.ACCOUNT_ID) or "",
        "storage_limit_bytes": size,
        "alert_channel": st.conversation(state, Block.ALERT_CHANNEL, Action.ALERT_CHANNEL),
        "time_zone": st.selected(state, Block.TIME_ZONE, Action.TIME_ZONE) or "UTC",
        **percents,
    }
