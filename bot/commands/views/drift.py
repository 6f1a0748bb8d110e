"""``/group drift``: each difference between the PBX and groupbot, with buttons for admins.

Buttons repeat per group, so their action_ids carry ``:<n>`` (Slack wants them unique
in a message); the value names the group (the PBX's id, or the name to adopt). The
services check rights again when a button arrives, whoever drew it.
"""

from __future__ import annotations

from bot.commands.ids import Action, Block, suffixed
from bot.commands.views.common import (
    Message,
    actions,
    button,
    clip,
    context,
    escape,
    escape_name,
    section,
)
from bot.services import DriftReport

PENDING = "its last change has not reached the PBX yet"
MAX_GROUPS = 20  # each takes at most two blocks; a message holds 50


def drift_message(report: DriftReport, *, admin: bool) -> Message:
    if report.empty:
        text = f"The PBX matches groupbot ({_groups(len(report.in_sync))})."
        return {"text": text, "blocks": [section(text, Block.DRIFT)]}
    blocks = []
    shown = 0
    for n, drift in enumerate(report.drifted[:MAX_GROUPS]):
        waiting = f" ({PENDING})" if drift.pending else ""
        lines = "\n".join(f"• {escape(line)}" for line in drift.lines)
        blocks.append(
            section(
                f"*{escape_name(drift.name)}* differs on the PBX{waiting}:\n{lines}",
                suffixed(Block.DRIFT, n),
            )
        )
        if admin:
            buttons = [button("Push ours", suffixed(Action.DRIFT_PUSH, n), drift.name)]
            if drift.pbx_readable:
                buttons.append(button("Take the PBX's", suffixed(Action.DRIFT_TAKE, n), drift.name))
            blocks.append(actions(buttons, suffixed(Block.GROUP_ACTIONS, "drift", n)))
        shown += 1
    for n, group in enumerate(report.adoptable[: MAX_GROUPS - shown]):
        name = escape_name(group.name)
        about = escape(group.about)
        block_id = suffixed(Block.ADOPTABLE, n)
        if group.can_adopt:
            text = f"*{name}* is on the PBX only ({about})."
            adopt = button("Adopt", suffixed(Action.DRIFT_ADOPT, n), group.name, style="primary")
            blocks.append(section(text, block_id, adopt if admin else None))
        else:
            refusal = escape(group.refusal or "")
            blocks.append(
                section(
                    f"*{name}* is on the PBX only ({about}); it cannot be adopted: {refusal}",
                    block_id,
                )
            )
    left = (
        len(report.drifted)
        + len(report.adoptable)
        - len([b for b in blocks if b["type"] == "section"])
    )
    notes = []
    if left > 0:
        notes.append(f"…and {left} more: `groupbot sync --dry-run` lists them all.")
    if report.in_sync:
        notes.append(clip("In step with the PBX: " + escape(", ".join(report.in_sync)) + ".", 2900))
    if notes:
        blocks.append(context(notes, Block.MORE))
    return {"text": clip("\n".join(report.text()), 3000), "blocks": blocks}


def _groups(count: int) -> str:
    return f"{count} group" if count == 1 else f"{count} groups"
