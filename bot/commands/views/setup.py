"""The workspace Setup modal (``/group setup``, admins) and its reader.

Field names are those of ``services.WorkspaceSettings`` (``account_id``,
``storage_limit_bytes``, ``alert_channel``, ``time_zone``, ``warn_percent``,
``critical_percent``, ``full_percent``), which also key its ``FieldErrors``; ``api_key``
keys the PBX API key's.

The PBX account part depends on how the install binds accounts (``binding``): typed in
a one-workspace install; shown, not typed, in a multi-workspace one, where over Kazoo
an API key input connects it (the key is never shown back).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Protocol

from bot.commands.ids import Action, Block, Callback
from bot.commands.views import state as st
from bot.commands.views.common import (
    ModalMeta,
    View,
    button,
    confirm_dialog,
    context,
    input_block,
    modal,
    number_input,
    option,
    section,
    static_select,
    text_input,
)
from bot.errors import FieldErrors
from bot.services import (
    BYTES_PER_GB,
    PERCENT_RANGE,
    STORAGE_LIMIT_GB,
    THRESHOLDS,
    AccountBinding,
    percent_refusal,
    storage_limit_refusal,
)

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
    @property
    def binding(self) -> AccountBinding: ...
    @property
    def group_count(self) -> int: ...


def _gigabytes(size: int | None) -> str | None:
    low, high = STORAGE_LIMIT_GB
    if size is None or not low * BYTES_PER_GB <= size <= high * BYTES_PER_GB:
        return None  # an initial value outside the input's bounds would be refused
    return f"{size / BYTES_PER_GB:.3f}".rstrip("0").rstrip(".")


def _percent(block_id: str, action_id: str, label: str, value: int) -> dict[str, Any]:
    low, high = PERCENT_RANGE
    return input_block(
        block_id,
        label,
        number_input(action_id, value, minimum=low, maximum=high),
    )


def _switch_note(current: SetupValues | None) -> str:
    """What another account does to the groups shown now: they stay in this account
    (nothing is deleted), but the workspace shows the other account's instead."""
    count = current.group_count if current else 0
    if not count:
        return ""
    groups, they = ("1 ring group", "it is") if count == 1 else (f"{count} ring groups", "they are")
    return (
        f" This account has {groups}; with another account {they} no longer shown here "
        "(nothing is deleted: back on this account, they show again)."
    )


def _account_blocks(current: SetupValues | None) -> list[dict[str, Any]]:
    """The PBX account: typed (one-workspace install), or shown with how it was bound."""
    binding = current.binding if current else AccountBinding.TYPED
    account = current.account_id if current else ""
    if binding is AccountBinding.TYPED:
        typed = text_input(
            Action.ACCOUNT_ID, account or None, placeholder="32 hex characters", max_length=32
        )
        hint = "The Kazoo account that holds the ring groups." + _switch_note(current)
        return [input_block(Block.ACCOUNT_ID, "PBX account id", typed, hint=hint)]
    if binding is AccountBinding.LOCAL:
        said = f"*PBX account* `{account}`: made by groupbot for this workspace (local PBX)."
        return [context([said])]
    shown = (
        f"*PBX account* `{account}`, connected by its API key."
        if account
        else "*PBX account*: not connected yet. Paste its API key below to connect it."
    )
    key = text_input(Action.API_KEY, placeholder="the account's API key", max_length=128)
    hint = (
        "The PBX says which account the key belongs to; groupbot keeps the key and never "
        "shows it again."
    )
    if account:
        hint += " Leave it empty to keep the account connected now." + _switch_note(current)
    return [
        context([shown]),
        input_block(Block.API_KEY, "PBX API key", key, optional=bool(account), hint=hint),
    ]


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
    low, high = STORAGE_LIMIT_GB
    blocks = [
        *_account_blocks(current),
        input_block(
            Block.STORAGE_LIMIT,
            "Recording storage limit (GB)",
            number_input(
                Action.STORAGE_LIMIT,
                _gigabytes(current.storage_limit_bytes) if current else None,
                minimum=low,
                maximum=high,
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
    if current is not None:
        blocks.append(_rotate_block())
    return modal(Callback.SETUP, "Workspace setup", blocks, meta)


def _rotate_block() -> dict[str, Any]:
    """Rotating takes effect at once (not on Save): uploads to the old URL stop."""
    rotate = button(
        "Rotate the recording secret",
        Action.ROTATE_SECRET,
        "rotate",
        style="danger",
        confirm=confirm_dialog(
            "Rotate the recording secret?",
            "Every group recording to groupbot gets a new recording URL now; "
            "uploads to the old one are refused.",
            "Rotate",
        ),
    )
    return section(
        "*Recording secret*: names this workspace in groupbot's recording URLs.",
        Block.RECORDING_SECRET,
        rotate,
    )


_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_WHOLE = re.compile(r"[0-9]+")
# Digits beyond these are out of range whatever they say: refused before any conversion.
_GB_DIGITS = len(str(STORAGE_LIMIT_GB[1]))
_PERCENT_DIGITS = len(str(PERCENT_RANGE[1]))


def _storage_bytes(typed: str) -> int | str:
    """The limit in bytes, or the refusal: checked on the text before it is converted."""
    found = _DECIMAL.fullmatch(typed)
    if found is None:
        return "The storage limit must be a number of GB, like 50."
    sign, whole, fraction = found.group(1), found.group(2).lstrip("0"), found.group(3) or ""
    if sign or len(whole) > _GB_DIGITS or len(fraction) > 9:
        return storage_limit_refusal()
    size = Decimal(f"{whole or 0}.{fraction or 0}")
    low, high = STORAGE_LIMIT_GB
    if not low <= size <= high:
        return storage_limit_refusal()
    return int(size * BYTES_PER_GB)


def _whole_percent(typed: str | None, label: str) -> int | str:
    if typed is None or not _WHOLE.fullmatch(typed):
        return percent_refusal(label)
    digits = typed.lstrip("0")
    if len(digits) > _PERCENT_DIGITS:
        return percent_refusal(label)
    value = int(digits or 0)
    low, high = PERCENT_RANGE
    return value if low <= value <= high else percent_refusal(label)


def read_setup(state: st.StateValues) -> dict[str, Any]:
    """``WorkspaceSettings`` fields (all but ``team_id``); ``FieldErrors`` for numbers
    that are not numbers or are out of range, each under its own input."""
    errors: dict[str, str] = {}
    limit = st.text(state, Block.STORAGE_LIMIT, Action.STORAGE_LIMIT)
    size: int | None = None
    if limit is not None:
        read = _storage_bytes(limit)
        if isinstance(read, str):
            errors["storage_limit_bytes"] = read
        else:
            size = read
    percents: dict[str, int] = {}
    blocks = {
        "warn_percent": (Block.WARN, Action.WARN),
        "critical_percent": (Block.CRITICAL, Action.CRITICAL),
        "full_percent": (Block.FULL, Action.FULL),
    }
    for name, label in THRESHOLDS:
        value = _whole_percent(st.text(state, *blocks[name]), label)
        if isinstance(value, int):
            percents[name] = value
        else:
            errors[name] = value
    if errors:
        raise FieldErrors(errors)
    return {
        "account_id": st.text(state, Block.ACCOUNT_ID, Action.ACCOUNT_ID) or "",
        "storage_limit_bytes": size,
        "alert_channel": st.conversation(state, Block.ALERT_CHANNEL, Action.ALERT_CHANNEL),
        "time_zone": st.selected(state, Block.TIME_ZONE, Action.TIME_ZONE) or "UTC",
        **percents,
    }


def read_api_key(state: st.StateValues) -> str | None:
    """The PBX API key typed in, if the modal asks for one and it was filled in."""
    return st.text(state, Block.API_KEY, Action.API_KEY)
