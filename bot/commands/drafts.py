"""The Members modal while it is being edited: each row named, and the simulated call of
the group as it would be saved with the rows as they stand.

Built on first open (``/group members``, the Members button) and again after every
change inside it (people added or removed, Distribute), always after the acknowledgement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from slack_sdk import WebClient

from bot.commands import people, simulation, views
from bot.commands.roles import Deps
from bot.commands.views import MemberRow, ModalMeta, View
from bot.commands.views.common import escape_keeping_mentions
from bot.engine.directory import Directory
from bot.engine.model import DEFAULT_WINDOW
from bot.engine.validation import parse_group
from bot.errors import FieldErrors, UserError
from bot.services import GroupView

NO_SIMULATION = "No simulated call until the form can be saved: "


def members_form(
    wired: Deps,
    client: WebClient,
    team: str,
    shown: GroupView,
    meta: ModalMeta,
    rows: Sequence[MemberRow],
    *,
    window: int | str | None = DEFAULT_WINDOW,
    directory: Directory | None = None,
) -> View:
    """The Members modal of ``shown`` holding ``rows``, named, with the simulated call."""
    if directory is None:
        directory = wired.services.directory(team)
    # Slack user → PBX user for the rows picked in Slack's select (unknown ones noted)
    pbx_ids: dict[str, str] = {}
    problems: list[str] = []
    for row in rows:
        if not row.slack_user:
            continue
        if row.pbx_user:
            pbx_ids[row.slack_user] = row.pbx_user
            continue
        try:
            pbx_ids[row.slack_user] = people.pbx_user(
                wired.services, wired.users, client, team, row.slack_user
            )
        except UserError as error:
            problems.append(error.message)
    named = [replace(row, name=_name(row, pbx_ids, directory)) for row in rows]
    timeline, note = _simulated(shown, named, pbx_ids, directory, problems)
    offered = sorted(
        ((pbx_id, user.name) for pbx_id, user in directory.users.items()),
        key=lambda person: person[1].casefold(),
    )
    return views.members_modal(
        meta, named, people=offered, window=window, simulation=timeline, simulation_note=note
    )


def _name(row: MemberRow, pbx_ids: dict[str, str], directory: Directory) -> str | None:
    pbx_user = row.pbx_user or (pbx_ids.get(row.slack_user) if row.slack_user else None)
    user = directory.users.get(pbx_user) if pbx_user else None
    return user.name if user else row.name


def _simulated(
    shown: GroupView,
    rows: Sequence[MemberRow],
    pbx_ids: dict[str, str],
    directory: Directory,
    problems: list[str],
) -> tuple[str | None, str | None]:
    """(the text timeline, None), or (None, why there is none)."""
    if problems:
        return None, NO_SIMULATION + escape_keeping_mentions(problems[0])
    if not rows:
        return None, NO_SIMULATION + "a group needs at least one member."
    form = views.MembersForm(rows=tuple(rows))
    try:
        draft = parse_group({**shown.group.model_dump(), "members": form.members_data(pbx_ids)})
        return simulation.draft_timeline(draft, shown.pbx, directory), None
    except UserError as error:
        return None, NO_SIMULATION + escape_keeping_mentions(_first(error))
    except simulation.DRAFT_ERRORS as error:
        return None, NO_SIMULATION + escape_keeping_mentions(str(error))


def _first(error: UserError) -> str:
    """One problem is enough for a note: the form shows them all on Save."""
    if isinstance(error, FieldErrors) and error.errors:
        return next(iter(error.errors.values()))
    return error.message
