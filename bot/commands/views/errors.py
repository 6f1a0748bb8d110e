"""Field paths of ``GroupRejected.errors`` → the modal's input block_ids.

Slack shows a submission error only under an *input* block of the view; anything else
makes the modal say "We had some trouble connecting". So every path lands on an input
block: its own when there is one, else the most relevant one (the first input of the
modal at worst), and several messages for one block are joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.commands.ids import Block, Callback
from bot.commands.views import state as st
from bot.commands.views.members import member_block

# Per modal: field path prefixes → candidate input blocks, best first. The longest
# matching prefix wins; a candidate absent from the view's state (hidden by a toggle) is
# skipped when the state is known. The last entry of each list is always in the view.
_FIELDS: dict[str, dict[str, Sequence[str]]] = {
    Callback.CREATE: {
        "": (Block.NAME,),
        "name": (Block.NAME,),
        "extension": (Block.EXTENSION,),
        "extra_extensions": (Block.NUMBERS,),
        "numbers": (Block.NUMBERS,),
        "members": (Block.MEMBERS,),
    },
    Callback.SETTINGS: {
        "": (Block.NAME,),
        "name": (Block.NAME,),
        "repeats": (Block.REPEATS,),
        "extension": (Block.EXTENSION,),
        "extra_extensions": (Block.EXTRA_EXTENSIONS,),
        "numbers": (Block.NUMBERS,),
    },
    Callback.MEMBERS: {
        "": (Block.MEMBERS,),
        "members": (Block.MEMBERS,),
    },
    Callback.FEATURES: {
        "": (Block.RINGBACK,),
        "features.call_recording": (Block.RECORDING,),
        "features.call_recording.enabled": (Block.RECORDING,),
        "features.call_recording.format": (Block.RECORDING_FORMAT, Block.RECORDING),
        "features.call_recording.time_limit": (Block.RECORDING_LIMIT, Block.RECORDING),
        "features.call_recording.url": (Block.RECORDING_URL, Block.RECORDING),
        "features.ringback": (Block.RINGBACK,),
        "features.next_action": (Block.NEXT_TARGET, Block.NEXT_KIND),
        "features.next_action.kind": (Block.NEXT_KIND,),
        "features.allow_call_forward": (Block.FORWARD,),
        "features.caller_id_prepend": (Block.PREPEND_NAME, Block.PREPEND_NUMBER, Block.PREPEND),
        "features.caller_id_prepend.enabled": (Block.PREPEND,),
        "features.caller_id_prepend.name_prefix": (Block.PREPEND_NAME, Block.PREPEND),
        "features.caller_id_prepend.number_prefix": (Block.PREPEND_NUMBER, Block.PREPEND),
    },
    Callback.DELETE: {
        "": (Block.DELETE_CONFIRM,),
    },
    Callback.SETUP: {  # WorkspaceSettings field names, and the API key
        "": (Block.ACCOUNT_ID, Block.API_KEY, Block.STORAGE_LIMIT),
        "account_id": (Block.ACCOUNT_ID, Block.API_KEY, Block.STORAGE_LIMIT),
        "api_key": (Block.API_KEY, Block.STORAGE_LIMIT),
        "storage_limit_bytes": (Block.STORAGE_LIMIT,),
        "alert_channel": (Block.ALERT_CHANNEL,),
        "time_zone": (Block.TIME_ZONE,),
        "warn_percent": (Block.WARN,),
        "critical_percent": (Block.CRITICAL,),
        "full_percent": (Block.FULL,),
    },
}


def _present(state: st.StateValues | None, base: str) -> str | None:
    """The block_id in the view for ``base`` (suffixed ids included), if known to be there."""
    if state is None:
        return None
    if base in state:
        return base
    return next((block_id for _, block_id in st.with_base(state, base)), None)


def block_for(view_kind: str, path: str, state_values: st.StateValues | None = None) -> str:
    """The input block_id that shows the error of field ``path`` in modal ``view_kind``."""
    fields = _FIELDS.get(view_kind, {"": (Block.NAME,)})
    parts = path.split(".") if path else []
    if (
        view_kind == Callback.MEMBERS
        and state_values is not None
        and len(parts) >= 2
        and parts[0] == "members"
        and parts[1].isdigit()
    ):
        field = parts[2] if len(parts) > 2 else None
        found = member_block(state_values, int(parts[1]), field)
        if found:
            return found
    for length in range(len(parts), -1, -1):
        candidates = fields.get(".".join(parts[:length]))
        if candidates is None:
            continue
        if state_values is None:
            # Without the state, a suffixed block's exact id is unknown: skip to the
            # next candidate, which is a fixed id.
            fixed = [c for c in candidates if c not in _SUFFIXED]
            return fixed[0] if fixed else fields[""][0]
        for candidate in candidates:
            found_id = _present(state_values, candidate)
            if found_id:
                return found_id
        return candidates[-1]
    return fields[""][0]


_SUFFIXED = frozenset({Block.NEXT_TARGET, Block.MEMBER_START, Block.MEMBER_END})


def errors_for_view(
    view_kind: str,
    errors: Mapping[str, str],
    state_values: st.StateValues | None = None,
) -> dict[str, str]:
    """``{input block_id: message}`` for ``ack(response_action="errors", errors=…)``.

    ``view_kind`` is the modal's callback_id; pass the submitted ``state.values`` so
    member rows and the next-action target (whose block_ids carry a suffix) are found.
    """
    placed: dict[str, list[str]] = {}
    for path, message in errors.items():
        block_id = block_for(view_kind, path, state_values)
        if message not in placed.setdefault(block_id, []):
            placed[block_id].append(message)
    return {block_id: "; ".join(messages) for block_id, messages in placed.items()}


def block_errors(view: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
    """``errors_for_view`` for a submitted view payload (``body["view"]``): the shape
    ``bot.commands.errors.make_error_handler`` takes."""
    values = (view.get("state") or {}).get("values") or {}
    return errors_for_view(str(view.get("callback_id", "")), errors, values)
