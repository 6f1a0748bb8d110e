"""Groups that follow a Slack user group (``/group mirror``): reading the user group and
telling the leads, around ``PresenceUseCases.reconcile_mirror``.

Three things start a reconcile, and all go through ``follow_usergroup``: the command
that sets the mirror (at once), Slack's ``subteam_members_changed`` event, and the
``usergroup-mirror`` job every 15 minutes, which catches what no event brought (an event
missed while groupbot was down, or redelivered and dropped). Reading Slack is the
``UserGroupSource`` port's: ``bot.commands.mirror`` implements it, ``bot.app`` wires it;
this layer takes Slack user ids and emails, never a Slack client.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from bot.engine.model import MAX_MEMBERS
from bot.errors import UserError
from bot.services.presence import SLACKBOT, MirrorResult, PresenceUseCases
from bot.services.storage import Sent

log = logging.getLogger(__name__)


# the most people a mirrored user group may have (see follow_usergroup)
MAX_USERGROUP = 100


def too_big(people: int) -> str:
    return (
        f"That user group has {people} people; a ring group rings at most {MAX_MEMBERS}: "
        f"follow a user group of at most {MAX_USERGROUP} people."
    )


class UserGroupUnreadable(Exception):
    """Slack did not say who is in the user group; ``str()`` says why, in one line."""


class UserGroupSource(Protocol):
    """A Slack workspace as the mirror reads and tells it."""

    def members(self, team_id: str, usergroup: str) -> Sequence[str]:
        """The user group's Slack user ids; ``UserGroupUnreadable`` when Slack says none."""
        ...

    def emails(self, team_id: str, users: Sequence[str]) -> Mapping[str, str]:
        """Slack user id → email, for those whose email Slack shows."""
        ...

    def tell(self, team_id: str, users: Collection[str], text: str) -> None:
        """``text`` (mrkdwn) to each of ``users`` by direct message."""
        ...


class NoUserGroups:
    """Until ``bot.app`` wires Slack in: nothing can be read."""

    def members(self, team_id: str, usergroup: str) -> Sequence[str]:
        raise UserGroupUnreadable("this process has no Slack token to read user groups with")

    def emails(self, team_id: str, users: Sequence[str]) -> Mapping[str, str]:
        return {}

    def tell(self, team_id: str, users: Collection[str], text: str) -> None:
        raise UserGroupUnreadable("this process has no Slack token to post with")


class MirrorUseCases(PresenceUseCases):
    usergroups: UserGroupSource = NoUserGroups()  # bot.app sets the Slack one

    def follow_usergroup(
        self,
        team_id: str,
        ref: str,
        *,
        by: str = SLACKBOT,
        source: UserGroupSource | None = None,
        members: Sequence[str] | None = None,
    ) -> MirrorResult:
        """Make the group's members its user group's members now. Who cannot be added
        (no PBX user, beyond the 15-member limit) is told to the group's leads by direct
        message, once; ``by`` (who asked, named in the history) reads it in their reply
        instead. ``source``: the caller's own Slack, else the wired one; ``members``: the
        user group's, when the caller has just read them (else read here)."""
        slack = source or self.usergroups
        usergroup = self.mirror_of(team_id, ref)
        if usergroup is None:
            name = self.get_group(team_id, ref).name
            raise UserError(f"{name} does not follow a Slack user group.")
        if members is None:
            members = list(slack.members(team_id, usergroup))
        if len(members) > MAX_USERGROUP:
            # each member is a users.info for their email (Slack allows ~100 a minute), for
            # a group that rings 15 at most: a user group this big is not a ring group's
            raise UserError(too_big(len(members)))
        result = self.reconcile_mirror(team_id, ref, members, slack.emails(team_id, members), by=by)
        if result.lead_note:
            leads = sorted(self.get_group(team_id, ref).leads - {by})
            failures = []
            for lead in leads:  # one at a time: a lead Slack refuses keeps no one else uninformed
                try:
                    slack.tell(team_id, [lead], result.lead_note)
                except UserGroupUnreadable as error:
                    failures.append(str(error))
            nobody = bool(failures) and len(failures) == len(leads)
            if nobody:
                # the members changed all the same; nobody heard who could not be added, so
                # they are told on the next change (or the 15-minute job) instead
                self._forget_reported(team_id, ref, {*result.unmappable, *result.beyond_limit})
            if failures:
                why = "; ".join(dict.fromkeys(failures))  # one Slack failure is said once
                return replace(result, untold=why, told_nobody=nobody)
        return result

    def follow_usergroups(
        self,
        team_id: str | None = None,
        usergroup: str | None = None,
        *,
        source: UserGroupSource | None = None,
    ) -> Sent:
        """``follow_usergroup`` for every group following ``usergroup`` (any, when None)
        in ``team_id``'s workspace (every workspace, when None): one line per group."""
        done: list[str] = []
        failed: list[str] = []
        for team in self._mirror_teams(team_id):
            for pbx_group_id in self.mirrored_groups(team, usergroup):
                # by its name now: the group is found by name or extension, not PBX id
                name = self.group_by_pbx_id(team, pbx_group_id).name
                try:
                    result = self.follow_usergroup(team, name, source=source)
                except (UserGroupUnreadable, UserError) as error:
                    failed.append(f"{name}: {error}")
                    continue
                done.append(_followed(name, result))
        return Sent(tuple(done), tuple(failed))

    def _mirror_teams(self, team_id: str | None) -> list[str]:
        """Each workspace once per PBX account. A one-workspace install may have no
        workspace row at all; its groups are the default account's, which "" reaches."""
        if team_id is not None:
            return [team_id]
        with self._uow() as uow:
            teams = [w.team_id for w in uow.workspaces.all()]
            if self.options.default_account_id is not None:
                teams.append("")
            chosen: dict[str, str] = {}
            for team in teams:
                try:
                    chosen.setdefault(self._account(uow, team), team)
                except UserError:
                    continue  # a workspace with no PBX account yet has no groups
        return list(chosen.values())


def _followed(name: str, result: MirrorResult) -> str:
    if result.saved is None:
        line = f"{name} already has its user group's members"
    else:
        changes = []
        if result.added:
            changes.append("added " + ", ".join(result.added))
        if result.removed:
            changes.append("removed " + ", ".join(result.removed))
        line = f"{name}: " + ("; ".join(changes) or "members reordered")
    if result.untold:
        line += f" (the leads could not be told who could not be added: {result.untold})"
    elif result.lead_note:
        line += " (leads told who could not be added)"
    return line
