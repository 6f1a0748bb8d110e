"""Replies to ``/group``: list, show, delete prompt, callflow, help, simulate.

Each builder returns a ``Message`` (``text`` fallback + at most 50 ``blocks``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.commands.ids import GROUP_BUTTONS, Action, Block, group_action_id, suffixed
from bot.commands.views.badges import feature_badges, feature_lines
from bot.commands.views.common import (
    MESSAGE_BLOCKS,
    GroupRef,
    Message,
    actions,
    button,
    clip,
    code_sections,
    confirm_dialog,
    context,
    escape,
    escape_name,
    fields_section,
    header,
    section,
    slack_date,
    text_sections,
    typed_ref,
    warnings_block,
)
from bot.commands.views.common import (
    Block as BlockDict,
)
from bot.commands.views.timeline import member_entries, timeline_text
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.services import GroupSummary, GroupView

# Slack refuses a message whose blocks hold much more than ~12k characters of text.
MESSAGE_TEXT_BUDGET = 11_000

BUTTON_LABELS = {
    Action.SHOW: "Show",
    Action.EDIT: "Edit",
    Action.MEMBERS: "Members",
    Action.FEATURES: "Features",
    Action.SIMULATE: "Simulate",
    Action.DELETE: "Delete",
}
# /group show already shows the group: its buttons are the other five
SHOW_BUTTONS = tuple(a for a in GROUP_BUTTONS if a is not Action.SHOW)
CHANGING = frozenset({Action.EDIT, Action.MEMBERS, Action.FEATURES, Action.DELETE})


def members_count(count: int) -> str:
    return "1 member" if count == 1 else f"{count} members"


def delete_confirm(view: GroupView | GroupSummary) -> BlockDict:
    name = escape_name(view.name)
    return confirm_dialog(
        f"Delete {clip(view.name, 80)}?",
        f"This removes *{name}* (ext {view.extension}) and every document it owns "
        "on the PBX. Calls to its numbers will no longer ring anyone.",
        "Delete group",
    )


def group_buttons(
    view: GroupView | GroupSummary,
    *,
    can_change: bool = True,
    which: Sequence[Action] = GROUP_BUTTONS,
) -> list[BlockDict]:
    """The group's buttons; ``value`` carries its id and version, ids are per group."""
    value = GroupRef.of(view).encode()
    elements = []
    for action in which:
        if action in CHANGING and not can_change:
            continue
        if action is Action.DELETE and view.sent_to_by:
            # deleting it is refused: pressing says why at once, with no confirmation first
            elements.append(button("Delete", group_action_id(action, view.id), value))
        elif action is Action.DELETE:
            elements.append(
                button(
                    "Delete",
                    group_action_id(action, view.id),
                    value,
                    style="danger",
                    confirm=delete_confirm(view),
                )
            )
        else:
            elements.append(button(BUTTON_LABELS[action], group_action_id(action, view.id), value))
    return elements


def group_summary(view: GroupView | GroupSummary) -> str:
    """One mrkdwn line: name, extension, other numbers, member count, feature badges."""
    line = view.summary() if isinstance(view, GroupView) else view
    parts = [f"*{escape_name(line.name)}*", f"ext `{line.extension}`"]
    others = [*line.extra_extensions, *line.numbers]
    if others:
        parts.append(clip(", ".join(others), 300))
    parts.append(members_count(line.member_count))
    badges = feature_badges(line.features)
    if badges:
        parts.append(badges)
    if line.pbx_pending:
        why = f" ({escape(clip(line.pbx_reason, 300))})" if line.pbx_reason else ""
        parts.append(f"⏳ not on the PBX yet{why}")
    return " · ".join(parts)


def list_message(groups: Sequence[GroupView | GroupSummary]) -> Message:
    """``/group list``: one line per group with a Show button; summarised beyond 50 blocks."""
    if not groups:
        text = "No ring groups yet. Create one with `/group create`."
        return {"text": text, "blocks": [section(text, Block.MORE)]}
    title = "1 ring group" if len(groups) == 1 else f"{len(groups)} ring groups"
    blocks: list[BlockDict] = [header(title, Block.HEADER)]
    room = MESSAGE_BLOCKS - 1
    shown = groups if len(groups) <= room else groups[: room - 1]
    for view in shown:
        show = button("Show", group_action_id(Action.SHOW, view.id), GroupRef.of(view).encode())
        blocks.append(section(group_summary(view), suffixed(Block.GROUP, view.id), show))
    rest = groups[len(shown) :]
    if rest:
        names = ", ".join(f"{escape_name(v.name)} ({v.extension})" for v in rest)
        blocks.append(
            section(
                clip(f"…and {len(rest)} more: {names}. Use `/group show <name>` for one.", 3000),
                Block.MORE,
            )
        )
    return {
        "text": title + ": " + clip(", ".join(escape_name(v.name) for v in groups), 3000),
        "blocks": blocks,
    }


def show_message(
    view: GroupView,
    *,
    directory: Directory | None = None,
    can_change: bool = True,
    now: datetime | None = None,
    time_zone: str | None = None,
) -> Message:
    """``/group show``: details, the ring timeline as text bars, features, buttons.

    Members paused at ``now`` (default: the present) are marked with until when, on
    the reader's clock (their Slack ``time_zone``)."""
    group = view.group
    now = now or datetime.now(UTC)
    others = [*group.extra_extensions, *group.numbers]
    leads = " ".join(f"<@{lead}>" for lead in sorted(view.leads)) or "—"
    details = [
        ("Extension", group.extension),
        ("More numbers", clip(", ".join(others), 1900) if others else "—"),
        ("Members", members_count(len(group.members))),
        ("Dialing repeats", str(group.repeats)),
        ("Leads", leads),
        ("Last change", f"<@{view.updated_by}>, {slack_date(view.updated_at)}"),
    ]
    if view.mirrors:  # members changed here are put back as the user group has them
        stop = f"/group mirror {typed_ref(group.name)} off stops it"
        details.insert(3, ("Members follow", f"<!subteam^{view.mirrors}> ({stop})"))
    rounds = "1 round" if group.repeats == 1 else f"{group.repeats} rounds"
    blocks: list[BlockDict] = [
        header(group.name, Block.HEADER),
        fields_section(details, Block.DETAILS),
        context([f"*Ring timeline* · rings for {group.timeout} s · {rounds}"]),
        section(
            timeline_text(member_entries(group, view.member_names, now, time_zone)),
            Block.TIMELINE,
        ),
        section("\n".join(feature_lines(group.features, directory)), Block.FEATURES),
    ]
    if view.warnings:
        blocks.append(warnings_block(view.warnings))
    if view.pbx_pending:
        why = f": {escape(view.pbx_reason)}" if view.pbx_reason else "."
        pending = f"⏳ Saved in groupbot; the PBX has not taken this version yet{why}"
        blocks.append(context([pending]))
    blocks.append(
        actions(group_buttons(view, can_change=can_change, which=SHOW_BUTTONS), Block.GROUP_ACTIONS)
    )
    text = f"{escape_name(group.name)} (ext {group.extension}): {members_count(len(group.members))}"
    return {"text": text, "blocks": blocks}


def delete_prompt(view: GroupView) -> Message:
    """``/group delete``: a Delete button whose confirm dialog asks once more."""
    group = view.group
    text = f"Delete *{escape_name(group.name)}* (ext {group.extension})?"
    return {
        "text": f"Delete {escape_name(group.name)}?",
        "blocks": [
            section(
                text + " This removes the group from the PBX: calls to its numbers will "
                "no longer ring anyone.",
                Block.HEADER,
            ),
            actions(group_buttons(view, which=(Action.DELETE,)), Block.GROUP_ACTIONS),
        ],
    }


def callflow_message(
    group_name: str, documents: GroupDocuments, ids: PbxIds | None = None
) -> Message:
    """``/group callflow``: the three Kazoo documents as JSON, in code blocks."""
    title = f"Kazoo documents of {group_name}"
    blocks: list[BlockDict] = [header(title, Block.HEADER)]
    parts = [
        ("group document", "groups", ids.group_id if ids else None, documents.group),
        (
            "baseGroup callflow",
            "callflows",
            ids.base_callflow_id if ids else None,
            documents.base_callflow,
        ),
        (
            "userGroup callflow",
            "callflows",
            ids.user_callflow_id if ids else None,
            documents.user_callflow,
        ),
    ]
    used = 0
    cut = False
    for index, (label, collection, doc_id, document) in enumerate(parts):
        where = f" · `{collection}/{doc_id}`" if doc_id else ""
        sections = code_sections(
            json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False),
            suffixed(Block.DETAILS, index),
        )
        size = sum(len(s["text"]["text"]) for s in sections)
        if (
            used + size > MESSAGE_TEXT_BUDGET
            or len(blocks) + 1 + len(sections) > MESSAGE_BLOCKS - 1
        ):
            cut = True
            break
        used += size
        blocks.append(context([f"*{label}*{where}"]))
        blocks.extend(sections)
    if cut:
        blocks.append(
            context(["…the rest is too long for one Slack message; `groupbot export` has it all."])
        )
    return {"text": escape(title), "blocks": blocks}


def help_message(text: str) -> Message:
    """``/group help``: the help text in as many sections as it needs.

    ``text`` is ``help_text``'s: mrkdwn emphasis and code spans, but its ``<``, ``>`` and
    ``&`` are meant literally (``show <group>``) and are escaped here.
    """
    shown = escape(text)
    return {"text": clip(shown, 3000), "blocks": text_sections(shown)[:MESSAGE_BLOCKS]}


def simulate_message(
    group_name: str,
    timeline: str,
    *,
    outcome: str | None = None,
    steps: Sequence[str] = (),
    picture: str | None = None,
) -> Message:
    """``/group simulate``: the simulator's text timeline (the picture goes up as a file).

    ``timeline`` may already be fenced; ``outcome`` is mrkdwn (it may mention the
    person the call ends at); ``steps`` are optional log lines under it; ``picture``
    says where the picture is posted.
    """
    title = f"Simulated call to {group_name}"
    body = timeline.strip()
    if body.startswith("```") and body.endswith("```"):
        body = body[3:-3].strip("\n")
    blocks: list[BlockDict] = [header(title, Block.HEADER)]
    if outcome:
        blocks.append(section(outcome, Block.DETAILS))
    blocks.extend(code_sections(body, Block.SIMULATION))
    if steps:
        blocks.extend(code_sections("\n".join(steps), Block.TIMELINE))
    blocks = blocks[: MESSAGE_BLOCKS - 1]
    if picture:
        blocks.append(context([f"🖼 {escape(picture)}"]))
    text = f"{escape(title)}: {outcome}" if outcome else escape(title)
    return {"text": text, "blocks": blocks}
