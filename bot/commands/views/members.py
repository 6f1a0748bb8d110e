"""The Members modal (``/group members``, the Members button) and its reader.

Layout: the people (a multi static select of the PBX directory's people, by name, ≤15,
dispatching so the handler can add or drop rows with ``views.update``), one row per
member (a label and Start/End number inputs), the Distribute window and button, the
timeline preview, and optionally the simulator's text timeline.

The select offers only people with a PBX user (a Slack user without one could be picked
but never saved), so it is a static select over the directory, not Slack's users select:
up to 100 people as options, more in groups of 100 (Slack's limits; 100 groups at most).

Row block_ids are ``member_start:<generation>:<key>`` (key: ``pbx-<PBX user id>``; a
Slack user id in a view opened before the select offered the directory), so a rebuild
after a selection change keeps what was typed in the other rows, and Distribute (a new
generation in ``ModalMeta``) shows its new values instead of the typed ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.commands.ids import Action, Block, Callback, suffixed
from bot.commands.views import state as st
from bot.commands.views.common import Block as BlockDict
from bot.commands.views.common import (
    ModalMeta,
    View,
    actions,
    button,
    clip,
    code_sections,
    context,
    escape_name,
    input_block,
    modal,
    number_input,
    option,
    plain,
    section,
)
from bot.commands.views.timeline import TimelineEntry, timeline_text
from bot.engine.model import (
    DEFAULT_WINDOW,
    MAX_MEMBERS,
    MAX_SECONDS,
    NEW_MEMBER_WINDOW,
    distribute,
)
from bot.services import GroupView

PBX_KEY = "pbx-"
# what the select's options hold (a Slack user id in a view opened before it offered the
# directory); anything else was not sent by Slack's client
PERSON_KEY = re.compile(rf"{PBX_KEY}[A-Za-z0-9_-]{{1,128}}|{st.USER_ID.pattern}")
MAX_OPTIONS = 100  # Slack's bound on a static select's options, and on its option groups


@dataclass(frozen=True)
class MemberRow:
    """One member as the modal shows it; ``start``/``end`` None means not typed yet."""

    slack_user: str | None = None
    pbx_user: str | None = None
    name: str | None = None
    start: int | str | None = None
    end: int | str | None = None

    @property
    def key(self) -> str:
        return f"{PBX_KEY}{self.pbx_user}" if self.pbx_user else str(self.slack_user)

    def label(self) -> str:
        name = f"*{escape_name(self.name)}*" if self.name else ""
        if self.slack_user:
            return f"{name} (<@{self.slack_user}>)" if name else f"<@{self.slack_user}>"
        return name or "*a person no longer in the PBX directory*"


def row_from_key(key: str) -> MemberRow:
    if key.startswith(PBX_KEY):
        return MemberRow(pbx_user=key[len(PBX_KEY) :])
    return MemberRow(slack_user=key)


def member_rows(view: GroupView, slack_ids: Mapping[str, str]) -> list[MemberRow]:
    """The stored members as rows; ``slack_ids`` maps PBX user id → Slack user id."""
    return [
        MemberRow(
            slack_user=slack_ids.get(m.user_id),
            pbx_user=m.user_id,
            name=view.member_names.get(m.user_id),
            start=m.start,
            end=m.end,
        )
        for m in view.group.members
    ]


def distributed_rows(rows: Sequence[MemberRow], window: int = DEFAULT_WINDOW) -> list[MemberRow]:
    """Distribute over ``window`` seconds (raises ValueError when too short)."""
    windows = distribute(len(rows), window)
    return [replace(r, start=s, end=e) for r, (s, e) in zip(rows, windows, strict=True)]


def _ints(row: MemberRow) -> tuple[int, int] | None:
    """The row's window as its inputs show it (a new row: 0–20 s), if it makes sense."""
    first, last = NEW_MEMBER_WINDOW
    start = first if row.start is None else row.start
    end = last if row.end is None else row.end
    if isinstance(start, int) and isinstance(end, int) and start < end:
        return start, end
    return None


def preview_text(rows: Sequence[MemberRow]) -> str:
    """The timeline of the rows whose start and end make sense, as text bars."""
    entries = []
    for row in rows:
        window = _ints(row)
        if window is None:
            continue
        name = row.name or row.slack_user or str(row.pbx_user)
        entries.append(TimelineEntry(name, *window))
    return timeline_text(entries)


def members_modal(
    meta: ModalMeta,
    rows: Sequence[MemberRow],
    *,
    people: Sequence[tuple[str, str]] = (),
    window: int | str | None = DEFAULT_WINDOW,
    simulation: str | None = None,
    simulation_note: str | None = None,
) -> View:
    """The Members modal for ``rows`` (first open: ``member_rows(view, slack_ids)``).

    ``people`` are the directory's (PBX user id, name), the ones the select offers; each
    row's ``name`` (the PBX user's) labels its inputs and its bar in the preview;
    ``simulation`` is the simulator's text timeline of the group as it would be saved,
    shown under the preview, or ``simulation_note`` (mrkdwn) says why there is none.
    """
    rows = list(rows)[: MAX_MEMBERS + 10]  # more than 15 is refused on submit, say so there
    gen = meta.generation
    blocks: list[BlockDict] = [
        input_block(
            Block.MEMBERS,
            f"Members (up to {MAX_MEMBERS})",
            people_select(Action.MEMBERS_SELECT, people, rows),
            optional=True,
            hint="Add or remove people here; their rows below follow.",
            dispatch=True,
        )
    ]
    for row in rows:
        first, last = NEW_MEMBER_WINDOW
        start = row.start if row.start is not None else first
        end = row.end if row.end is not None else last
        who = clip(row.name or "", 40)
        blocks.append(section(row.label(), suffixed(Block.MEMBER_LABEL, gen, row.key)))
        blocks.append(
            input_block(
                suffixed(Block.MEMBER_START, gen, row.key),
                f"{who}: starts ringing at (s)" if who else "Starts ringing at (s)",
                number_input(Action.MEMBER_START, start, minimum=0, maximum=MAX_SECONDS),
            )
        )
        blocks.append(
            input_block(
                suffixed(Block.MEMBER_END, gen, row.key),
                f"{who}: stops ringing at (s)" if who else "Stops ringing at (s)",
                number_input(Action.MEMBER_END, end, minimum=1, maximum=MAX_SECONDS),
            )
        )
    blocks.append(
        input_block(
            Block.WINDOW,
            "Distribute over (s)",
            number_input(Action.WINDOW, window, minimum=1, maximum=MAX_SECONDS),
            optional=True,
            hint="Distribute gives member i of n the window i·⌊T/n⌋ to (i+1)·⌊T/n⌋.",
        )
    )
    blocks.append(
        actions(
            [button("Distribute", Action.DISTRIBUTE, "distribute", style="primary")],
            Block.DISTRIBUTE,
        )
    )
    blocks.append(context(["*Timeline preview* (as last shown; saved when you press Save)"]))
    blocks.append(section(preview_text(rows), Block.TIMELINE))
    if simulation:
        body = simulation.strip()
        if body.startswith("```") and body.endswith("```"):
            body = body[3:-3].strip("\n")
        blocks.append(context(["*Simulated call* if nobody answers, with these rows"]))
        blocks.extend(code_sections(body, Block.SIMULATION)[:3])
    elif simulation_note:
        blocks.append(context([simulation_note], Block.SIMULATION))
    title = clip(f"Members · {meta.name}" if meta.name else "Members", 24)
    return modal(Callback.MEMBERS, title, blocks, meta)


def people_select(
    action_id: str, people: Sequence[tuple[str, str]], rows: Sequence[MemberRow]
) -> dict[str, Any]:
    """The directory's people by name; the rows' people chosen. A member missing from the
    directory is offered too, so that keeping them is the default."""
    named = dict(people)
    for row in rows:
        if row.pbx_user and row.pbx_user not in named:
            named[row.pbx_user] = row.name or "a person no longer in the PBX directory"
    options = [option(name, f"{PBX_KEY}{pbx_id}") for pbx_id, name in named.items()]
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": action_id,
        "max_selected_items": MAX_MEMBERS,
        "placeholder": {"type": "plain_text", "text": "Choose up to 15 people"},
    }
    if len(options) <= MAX_OPTIONS:
        element["options"] = options
    else:
        element["option_groups"] = [
            {
                "label": plain(
                    clip(f"{chunk[0]['text']['text']} – {chunk[-1]['text']['text']}", 75)
                ),
                "options": chunk,
            }
            for chunk in (
                options[i : i + MAX_OPTIONS]
                for i in range(0, MAX_OPTIONS * MAX_OPTIONS, MAX_OPTIONS)
            )
            if chunk
        ]
    offered = {o["value"] for o in options[: MAX_OPTIONS * MAX_OPTIONS]}
    chosen = [o for o in options if o["value"] in {r.key for r in rows} & offered]
    if chosen:
        element["initial_options"] = chosen
    return element


@dataclass(frozen=True)
class MembersForm:
    """What the Members modal holds: the members in order, and the Distribute window.

    Order: the Slack users as selected, then the kept members with no Slack user.
    """

    rows: tuple[MemberRow, ...]
    window: int | str | None = None

    @property
    def slack_users(self) -> list[str]:
        return [r.slack_user for r in self.rows if r.slack_user]

    def members_data(self, pbx_ids: Mapping[str, str]) -> list[dict[str, Any]]:
        """``members`` for ``parse_group``; ``pbx_ids`` maps Slack user id → PBX user id."""
        data = []
        for row in self.rows:
            user_id = row.pbx_user or (pbx_ids.get(row.slack_user) if row.slack_user else None)
            item: dict[str, Any] = {"user_id": user_id or row.slack_user or ""}
            if row.start is not None:
                item["start"] = row.start
            if row.end is not None:
                item["end"] = row.end
            data.append(item)
        return data


def read_members(state: st.StateValues) -> MembersForm:
    starts = {parts[-1]: block for parts, block in st.with_base(state, Block.MEMBER_START)}
    ends = {parts[-1]: block for parts, block in st.with_base(state, Block.MEMBER_END)}
    keys = st.selected_values(state, Block.MEMBERS, Action.MEMBERS_SELECT)
    if not all(PERSON_KEY.fullmatch(key) for key in keys):
        raise st.MalformedState(Block.MEMBERS, "a list of people")
    rows = []
    for key in dict.fromkeys(keys):
        row = row_from_key(key)
        start = st.number(state, starts[key], Action.MEMBER_START) if key in starts else None
        end = st.number(state, ends[key], Action.MEMBER_END) if key in ends else None
        rows.append(replace(row, start=start, end=end))
    window = st.number(state, Block.WINDOW, Action.WINDOW)
    return MembersForm(rows=tuple(rows), window=window)


def member_block(state: st.StateValues, index: int, field: str | None) -> str | None:
    """The input block of member ``index`` (of ``read_members``): its End input, or its
    Start input for ``start``; None when that row is not in the view."""
    rows = read_members(state).rows
    if not 0 <= index < len(rows):
        return None
    key = rows[index].key
    base = Block.MEMBER_START if field == "start" else Block.MEMBER_END
    for parts, block_id in st.with_base(state, base):
        if parts and parts[-1] == key:
            return block_id
    return None
