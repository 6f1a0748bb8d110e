"""Presence: members who pause and resume, join and leave, and groups that follow a Slack
user group (issue 14).

A pause is the member's ``paused_until``, written as ``disable_until`` on their endpoint
in the baseGroup's ring_group: one document, one PBX write, and the PBX itself stops
skipping them when it passes, even if groupbot is down. Each pause, resume, join, leave
and mirror change is a revision like any other change: in the history, and undoable.

Rights: a member pauses and resumes themselves; a lead or admin anyone in the group.
Joining and leaving need the group open to self-service (``set_selfservice``, off by
default); a lead or admin may always. The Slack surface resolves Slack users: these
methods take PBX user ids (``me`` is the actor's own, when the surface knows it; else the
PBX user linked to their Slack id) and Slack user ids, never a Slack client.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.engine import edits
from bot.engine.changes import describe_next_action, names_in
from bot.engine.clock_words import until_words
from bot.engine.compiler import compile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments
from bot.engine.model import MAX_MEMBERS, Group, Member
from bot.engine.presence import MAX_PAUSE
from bot.engine.text import as_typed
from bot.errors import Forbidden, NotFound, UserError
from bot.pbx import PbxError
from bot.pbx.documents import DocumentReader, ReadGroup
from bot.services.base import leads_of
from bot.services.drift import DriftUseCases, _read_back, _read_in
from bot.services.groups import TYPED_EDIT_ATTEMPTS, _StaleVersion
from bot.services.outbox import digest
from bot.services.types import Actor, Membership, SaveResult
from bot.storage.mapping import StoredGroup, group_of, stored_of
from bot.storage.repositories import GroupRecord, PbxUser
from bot.storage.unit_of_work import UnitOfWork

ALL = "all"
SLACKBOT = "USLACKBOT"  # who the history names for what a job or the PBX itself changed
MIRRORED = "followed its Slack user group"  # the history's words for a mirror's change


@dataclass(frozen=True)
class PresenceResult:
    """What a pause or resume did, or (``needs_confirmation``) why it waits for a yes."""

    saved: tuple[SaveResult, ...] = ()  # one per group written
    # pausing would leave a group with nobody ringing: nothing was written; ask, then call
    # again with ``confirmed=True``
    needs_confirmation: bool = False
    warning: str = ""  # what the confirmation asks, naming the group and where calls go
    until: datetime | None = None
    # what the warning was about, for its Confirm button: the PBX user paused, and each
    # group's version when warned (``pause(warned=…)`` refuses a group changed since)
    member: str = ""
    versions: Mapping[str, int] = field(default_factory=dict)
    # "all": the groups left as they were, changed meanwhile: (name, why), beside those saved
    skipped: tuple[tuple[str, str], ...] = ()
    # the pause this one replaced (in the first group), when one was running
    was: datetime | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(result.view.name for result in self.saved)


@dataclass(frozen=True)
class MirrorResult:
    """What one reconcile of a mirrored group did; the lead is told ``unmappable`` and
    ``beyond_limit`` (Slack user ids) once: those reported before are not listed again."""

    saved: SaveResult | None = None  # None: the members already were the user group's
    added: tuple[str, ...] = ()  # names
    removed: tuple[str, ...] = ()  # names
    unmappable: tuple[str, ...] = ()  # Slack user ids with no PBX user, newly found
    beyond_limit: tuple[str, ...] = ()  # Slack user ids left out by the 15-member limit
    lead_note: str = ""  # what to tell the leads, "" when nothing new
    # why leads could not be told it by direct message ("" when all were, or none needed
    # be); when none was, it is not counted as reported: they are told on the next change
    untold: str = ""
    told_nobody: bool = False  # with ``untold``: no lead heard, so it is said again later

    @property
    def to_report(self) -> bool:
        return bool(self.lead_note)


@dataclass(frozen=True)
class _Person:
    pbx_id: str
    words: str  # how messages name them: a Slack mention when linked, else their name


_MemberChange = Callable[[Group, _Person], Group]
"""What a pause, resume, join or leave does to the group, for the person it is about."""
_Ask = Callable[[UnitOfWork, str, Sequence[Group], _Person], str]
"""(unit of work, account, the groups, the person) → the warning to confirm first, or ""."""
_Guard = Callable[[UnitOfWork, str, GroupRecord, Group], None]
"""(unit of work, account, the row, its group) → None, or a ``UserError`` refusing it."""


class PresenceUseCases(DriftUseCases):
    # -- pause and resume ---------------------------------------------------------------
    def pause(
        self,
        actor: Actor,
        ref: str,
        until: datetime,
        member: str | None = None,
        *,
        confirmed: bool = False,
        warned: Mapping[str, int] | None = None,
        time_zone: str | None = None,  # the reader's, for the warning's moments
    ) -> PresenceResult:
        """Pause ``member`` (a PBX user id; None: the actor, as ``Actor.email`` and their
        link find them) in the group ``ref``, or in every group they ring in (``"all"``),
        until ``until`` (aware, at most ``MAX_PAUSE`` ahead; see
        ``bot.engine.presence.pause_end``).

        ``warned`` is what the last-member warning was shown for (PBX group id → version,
        ``PresenceResult.versions``): with it, a group changed since is refused by name,
        so that a yes is never taken for a question that was not asked."""
        now = self._clock()
        if until <= now:
            raise UserError("That moment has passed; a pause ends in the future.")
        if until - now > MAX_PAUSE:
            raise UserError("A pause lasts at most 7 days: choose an end within the next 7 days.")

        def ask(uow: UnitOfWork, account: str, groups: Sequence[Group], person: _Person) -> str:
            emptied = [g for g in groups if _would_empty(g, person.pbx_id, now)]
            if not emptied:
                return ""
            # the directory names where calls go: read only when there is a warning to word
            directory = uow.directory.load(account)
            return " ".join(_last_ringing(g, person, now, directory, time_zone) for g in emptied)

        return self._change_member(
            actor,
            ref,
            member,
            lambda group, person: edits.pause(group, person.pbx_id, person.words, until),
            until=until,
            ask=None if confirmed else ask,
            warned=warned,
        )

    def resume(self, actor: Actor, ref: str, member: str | None = None) -> PresenceResult:
        """``member`` (None: the actor) rings again in ``ref`` or in every group where they
        are paused (``"all"``)."""
        return self._change_member(
            actor,
            ref,
            member,
            lambda group, person: edits.resume(group, person.pbx_id, person.words),
            paused_only=True,
        )

    def my_groups(self, actor: Actor) -> list[Membership]:
        """The groups the actor rings in, by name (none when they have no PBX user): App
        Home's "My groups", one query for the groups however many the workspace has."""
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            me = self._me(uow, account, actor)
            if me is None:
                return []
            return [
                Membership(row.id, row.name, row.extension, row.version, row.paused_until)
                for row in uow.groups.memberships(account, me.pbx_id)
            ]

    # -- self-service ---------------------------------------------------------------------
    def set_selfservice(self, actor: Actor, ref: str, on: bool) -> bool:
        """Leads and admins open (or close) the group for members to join and leave."""
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            uow.settings.set_selfservice(record.id, on)
            uow.commit()
        return on

    def join(self, actor: Actor, ref: str) -> SaveResult:
        """The actor joins with the group's usual window (``edits.usual_window``)."""
        return self._self_service(
            actor,
            ref,
            "join",
            lambda g, person: edits.join(g, person.pbx_id, person.words, edits.usual_window(g)),
        )

    def leave(self, actor: Actor, ref: str) -> SaveResult:
        return self._self_service(
            actor, ref, "leave", lambda g, person: edits.leave(g, person.pbx_id, person.words)
        )

    # -- a Slack user group keeps the members ---------------------------------------------
    def set_mirror(self, actor: Actor, ref: str, usergroup: str | None) -> str | None:
        """Leads and admins: the group's members follow ``usergroup`` (None: stop)."""
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            uow.settings.set_mirror(record.id, usergroup)
            uow.commit()
        return usergroup

    def mirror_of(self, team_id: str, ref: str) -> str | None:
        with self._uow() as uow:
            record = self._find(uow, self._account(uow, team_id), ref)
            return uow.settings.of(record.id).mirror_usergroup

    def mirrored_groups(self, team_id: str, usergroup: str | None = None) -> list[str]:
        """The PBX group ids of the groups following ``usergroup`` (any, when None): what
        the ``subteam_members_changed`` event and the reconcile job go through."""
        with self._uow() as uow:
            return uow.settings.mirroring(self._account(uow, team_id), usergroup)

    def reconcile_mirror(
        self,
        team_id: str,
        ref: str,
        slack_users: Sequence[str],
        emails: Mapping[str, str] | None = None,
        *,
        by: str = SLACKBOT,
    ) -> MirrorResult:
        """Make the group's members the user group's ``slack_users`` (in their order; a
        Slack user maps to the PBX user linked to them, else the one with their
        ``emails`` address). Members kept keep their window and pause; newcomers get the
        usual window. Who cannot be added is reported once (stored), never dropped
        silently; the history names ``by`` (the job: Slackbot) as who changed it."""
        actor = Actor(team_id, by, is_admin=True)
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            settings = uow.settings.of(record.id)
            if settings.mirror_usergroup is None:
                raise UserError(f"{record.name} does not follow a Slack user group.")
            wanted: dict[str, str] = {}  # PBX user id → Slack user id
            unmappable: list[str] = []
            for slack_user in dict.fromkeys(slack_users):
                user = uow.directory.user_of(account, slack_user, (emails or {}).get(slack_user))
                if user is None:
                    unmappable.append(slack_user)
                elif user.pbx_id not in wanted:
                    wanted[user.pbx_id] = slack_user
            group = group_of(record)
            kept = [m for m in group.members if m.user_id in wanted]
            room = MAX_MEMBERS - len(kept)
            newcomers = [u for u in wanted if group.member(u) is None]
            beyond = [wanted[u] for u in newcomers[room:]] if room < len(newcomers) else []
            newcomers = newcomers[: max(room, 0)]
            everyone = {*wanted, *(m.user_id for m in group.members)}
            names = uow.directory.user_names(account, everyone)
            problems = frozenset(unmappable) | frozenset(beyond)
            new_unmappable = tuple(u for u in unmappable if u not in settings.reported)
            new_beyond = tuple(u for u in beyond if u not in settings.reported)
            if problems != settings.reported:
                uow.settings.set_reported(record.id, problems)
                uow.commit()
            name, pbx_group_id = record.name, record.pbx_group_id
        members = _mirrored_members(group, kept, newcomers)
        note = _lead_note(name, new_unmappable, new_beyond)
        if not members:
            note = (
                f"{note} " if note else ""
            ) + f"Nobody in the user group has a PBX user, so {name} keeps its members."
            return MirrorResult(None, (), (), new_unmappable, new_beyond, note.strip())
        added = tuple(names.get(u, u) for u in newcomers)
        removed = tuple(names.get(m.user_id, m.user_id) for m in group.members if m not in kept)
        saved = None
        if [m.user_id for m in members] != [m.user_id for m in group.members]:
            saved = self._apply(
                actor,
                pbx_group_id,
                lambda g: edits.updated(g, members=_as_dicts(members)),
                label=MIRRORED,
            )
        return MirrorResult(saved, added, removed, new_unmappable, new_beyond, note)

    def _forget_reported(self, team_id: str, ref: str, users: Collection[str]) -> None:
        """``users`` were not told of after all (a direct message failed): the next
        reconcile reports them again."""
        with self._uow() as uow:
            record = self._find(uow, self._account(uow, team_id), ref)
            reported = uow.settings.of(record.id).reported
            uow.settings.set_reported(record.id, reported - frozenset(users))
            uow.commit()

    # -- pauses made on the phone ---------------------------------------------------------
    def take_pbx_pauses(self, team_id: str | None = None) -> list[str]:
        """Read the PBX's ring groups and keep, as pauses, the ``disable_until`` the
        ring_group_toggle feature code set on a phone: each group whose documents differ
        from ours by pauses alone gets them as a revision ("paused … on the phone"). The
        PBX already holds them, so nothing is written back. The names of those groups."""
        with self._uow() as uow:
            account = self._default_account() if team_id is None else self._account(uow, team_id)
            stored = uow.groups.stored(account)
            directory = uow.directory.load(account)
        reader = self._reader(account)
        try:
            on_pbx = {g.group_id: g for g in reader.ring_groups()}
        except PbxError as error:
            raise UserError(f"Could not read the ring groups on the PBX: {error}") from error
        taken: list[str] = []
        for group in stored:
            read = _read_in(on_pbx.get(group.ids.group_id), group.ids)
            if read is not None and self._take_pauses_of(reader, group, directory, read):
                taken.append(group.group.name)
        return taken

    def _compare(
        self,
        reader: DocumentReader,
        stored: StoredGroup,
        directory: Directory,
        names: Mapping[str, str],
        already: ReadGroup | None = None,
    ) -> tuple[list[str], bool]:
        """Drift's comparison; a group that differs by pauses alone is in step, and the
        PBX's pauses (made on a phone) are kept as ours."""
        lines, readable = super()._compare(reader, stored, directory, names, already)
        if not lines and readable:
            self._take_pauses_of(reader, stored, directory, already)
        return lines, readable

    def _take_pauses_of(
        self,
        reader: DocumentReader,
        stored: StoredGroup,
        directory: Directory,
        read: ReadGroup | None,
    ) -> bool:
        theirs = _read_back(reader, stored, directory, read)
        if isinstance(theirs, str) or theirs[1] != stored.ids:
            return False
        pbx_group = theirs[0]
        if not _only_pauses_differ(pbx_group, stored.group):
            return False
        compiled = compile_group(pbx_group, stored.ids, directory)
        base = read.base_callflow if read is not None else None
        if base is not None and compiled.base_callflow != base:
            return False  # more than our documents with pauses: drift's to settle
        return self._take(stored.id, stored.version, pbx_group, compiled)

    # -- inside -----------------------------------------------------------------------------
    def _take(
        self,
        group_id: int,
        version: int,
        pbx_group: Group,
        compiled: GroupDocuments,
    ) -> bool:
        now = self._clock()
        with self._uow() as uow:
            record = uow.settings.group(group_id)
            if record is None or record.version != version:
                return False  # changed meanwhile: the next sync looks again
            ids = stored_of(record).ids
            # the PBX holds this base callflow already: the save need not write it again
            account, key = record.account_id, ("callflows", ids.base_callflow_id)
            uow.outbox.took(account, ids.group_id, key, digest(compiled.base_callflow), now)
            actor = Actor("", SLACKBOT, is_admin=True)
            try:
                self._write_group(
                    uow, actor, account, record, pbx_group, label="on the phone", restoring=True
                )
            except _StaleVersion:
                return False
        return True

    def _change_member(
        self,
        actor: Actor,
        ref: str,
        member: str | None,
        change: _MemberChange,
        *,
        until: datetime | None = None,
        ask: _Ask | None = None,
        warned: Mapping[str, int] | None = None,
        paused_only: bool = False,
    ) -> PresenceResult:
        """A pause or resume: the group, the person, their rights, the warning and the
        write in one unit of work (as any single-field edit), tried again on the version
        that won when someone saves the group first. With ``"all"``, the groups after the
        first are written each in their own unit of work once it is."""
        every = ref.strip().casefold() == ALL
        for _ in range(TYPED_EDIT_ATTEMPTS):
            with self._uow() as uow:
                account = self._account(uow, actor.team_id)
                # a mistyped group is the thing to fix first, before anything about the person
                named = None if every else self._find(uow, account, ref)
                mine = self._me(uow, account, actor)
                person = self._person(uow, account, actor, member, mine)
                if named is not None:
                    records = [named]
                else:
                    records = self._groups_of(uow, account, person, paused_only)
                for record in records:
                    self._may_change_member(actor, record, person, mine)
                if warned:
                    _still_as_warned(records, warned)
                groups = [group_of(record) for record in records]
                if ask is not None and (warning := ask(uow, account, groups, person)):
                    return PresenceResult(
                        needs_confirmation=True,
                        warning=warning,
                        until=until,
                        member=person.pbx_id,
                        versions={r.pbx_group_id: r.version for r in records},
                    )
                first, before = records[0], groups[0]
                # one group: what it replaced there (with "all", each may differ)
                was = _running_pause(before, person.pbx_id, self._clock()) if named else None
                try:
                    saved = self._write_group(
                        uow, actor, account, first, change(before, person), before=before
                    )
                except _StaleVersion:
                    continue  # nothing written: everything is checked again on their version
            break
        else:
            raise UserError(f"{ref} kept changing while this was being saved; try again.")

        def still_allowed(uow: UnitOfWork, account: str, record: GroupRecord, group: Group) -> None:
            """The checks above, again, on a later group as it is when written."""
            self._may_change_member(actor, record, person, mine)
            if warned:
                shown = warned.get(record.pbx_group_id, -1)
                _still_as_warned([record], {record.pbx_group_id: shown})
            if ask is not None and (warning := ask(uow, account, [group], person)):
                raise UserError(f"{warning} Run /group pause {as_typed(record.name)} to be asked.")

        rest: list[SaveResult] = []
        skipped: list[tuple[str, str]] = []
        for record in records[1:]:
            try:
                rest.append(
                    self._apply(
                        actor,
                        record.pbx_group_id,
                        lambda g: change(g, person),
                        guard=still_allowed,
                    )
                )
            except UserError as refused:  # what was written stays written, and is said
                skipped.append((record.name, refused.message))
        return PresenceResult(saved=(saved, *rest), until=until, skipped=tuple(skipped), was=was)

    def _apply(
        self,
        actor: Actor,
        pbx_group_id: str,
        change: Callable[[Group], Group],
        *,
        label: str | None = None,
        guard: _Guard | None = None,
    ) -> SaveResult:
        """``change`` applied to the latest version of the group (tried again if someone
        saves first), written as one revision; its rights are checked by the caller, or
        by ``guard`` on the version written (raising refuses it)."""
        for _ in range(TYPED_EDIT_ATTEMPTS):
            with self._uow() as uow:
                account = self._account(uow, actor.team_id)
                record = self._pinned(uow, account, pbx_group_id)
                before = group_of(record)
                if guard is not None:
                    guard(uow, account, record, before)
                after = change(before)
                try:
                    return self._write_group(
                        uow, actor, account, record, after, before=before, label=label
                    )
                except _StaleVersion:
                    continue
        with self._uow() as uow:
            name = self._pinned(uow, self._account(uow, actor.team_id), pbx_group_id).name
        raise UserError(f"{name} kept changing while this was being saved; try again.")

    def _me(self, uow: UnitOfWork, account: str, actor: Actor) -> PbxUser | None:
        """The actor's PBX user: the one linked to their Slack user, else the unlinked one
        with the email Slack gave for them on this request (``Actor.email``, never a typed
        value). Never by email for a user of another Slack organisation: their profile's
        email is their organisation's to set."""
        email = None if actor.outsider else actor.email
        return uow.directory.user_of(account, actor.user_id, email)

    def _person(
        self,
        uow: UnitOfWork,
        account: str,
        actor: Actor,
        member: str | None,
        mine: PbxUser | None,
    ) -> _Person:
        """``member`` (a PBX user id), or the actor (``mine``: ``_me``) when None."""
        user = mine if member is None else uow.directory.user(account, member)
        if user is None and member is not None:
            raise NotFound("That person is not a user of the PBX directory.")
        if user is None:
            email = f" or has your Slack email ({actor.email})" if actor.email else ""
            fix = (
                "add yourself in SmartPBX with your Slack email, or link yourself in the PBX "
                "directory"
                if actor.is_admin
                else "ask an admin to add you in SmartPBX with your Slack email, or to link "
                "you in the PBX directory"
            )
            raise NotFound(
                f"You have no PBX user: none is linked to your Slack account{email}, so "
                f"groupbot cannot tell which phones are yours. To fix it, {fix}; then try "
                "again."
            )
        return _Person(user.pbx_id, f"<@{user.slack_user}>" if user.slack_user else user.name)

    def _may_change_member(
        self, actor: Actor, record: GroupRecord, person: _Person, mine: PbxUser | None
    ) -> None:
        if (mine is not None and mine.pbx_id == person.pbx_id) or self._is_lead(actor, record):
            return
        leads = ", ".join(f"<@{u}>" for u in sorted(leads_of(record)))
        raise Forbidden(
            f"You can pause and resume yourself; only admins and the leads of {record.name} "
            f"({leads}) can pause or resume {person.words}."
        )

    def _groups_of(
        self, uow: UnitOfWork, account: str, person: _Person, paused_only: bool
    ) -> list[GroupRecord]:
        """``"all"``: the groups ``person`` rings in (``paused_only``: is paused in)."""
        records = uow.groups.of_member(account, person.pbx_id)
        if not records:
            raise UserError(f"{person.words} is in no group.")
        if paused_only:
            records = [r for r in records if _paused(group_of(r), person.pbx_id)]
            if not records:
                raise UserError(f"{person.words} is not paused in any group.")
        return records

    def _self_service(self, actor: Actor, ref: str, what: str, change: _MemberChange) -> SaveResult:
        """The actor joins or leaves ``ref`` when they may: the checks and the write in one
        unit of work, tried again on the version that won when someone saves first."""
        for _ in range(TYPED_EDIT_ATTEMPTS):
            with self._uow() as uow:
                account = self._account(uow, actor.team_id)
                record = self._find(uow, account, ref)
                person = self._person(uow, account, actor, None, self._me(uow, account, actor))
                before = group_of(record)
                # said first, and to the caller as "you"
                if what == "join" and before.member(person.pbx_id) is not None:
                    raise UserError(f"You are already in {record.name}.")
                if what == "leave" and before.member(person.pbx_id) is None:
                    raise UserError(f"You are not in {record.name}.")
                after = change(before, person)
                settings = uow.settings.of(record.id)
                if settings.mirror_usergroup is not None:
                    # the user group's next change (or the 15-minute job) would undo it unseen
                    raise UserError(
                        f"{record.name}'s members follow a Slack user group (/group show "
                        f"{as_typed(record.name)} names it), so you cannot {what} it here: ask "
                        f"to be {'added to' if what == 'join' else 'removed from'} that user "
                        "group in Slack."
                    )
                if not settings.selfservice and not self._is_lead(actor, record):
                    leads = ", ".join(f"<@{u}>" for u in sorted(leads_of(record)))
                    raise Forbidden(
                        f"{record.name} is not open to self-service, so you cannot {what} it "
                        f"yourself; ask a lead of {record.name} ({leads}) to run "
                        f"/group selfservice {as_typed(record.name)} on."
                    )
                try:
                    return self._write_group(uow, actor, account, record, after, before=before)
                except _StaleVersion:
                    continue
        raise UserError(f"{ref} kept changing while this was being saved; try again.")


def _still_as_warned(records: Sequence[GroupRecord], warned: Mapping[str, int]) -> None:
    """A Confirm pressed after its groups changed (saved since, or others to pause in):
    refused, naming them, and nothing is written."""
    now = {r.pbx_group_id: r for r in records}
    changed = [r.name for g, r in now.items() if warned.get(g) != r.version]
    if any(g not in now for g in warned):
        changed.append("a group")  # once, however many ids the button carries
    if changed:
        names = ", ".join(changed[:-1]) + f" and {changed[-1]}" if len(changed) > 1 else changed[0]
        raise UserError(
            f"This warning is out of date: {names} changed since it was shown. "
            "Run /group pause again to see where calls would go now."
        )


def _running_pause(group: Group, pbx_id: str, now: datetime) -> datetime | None:
    member = group.member(pbx_id)
    return member.paused_until if member is not None and member.paused_at(now) else None


def _paused(group: Group, pbx_id: str) -> bool:
    member = group.member(pbx_id)
    return member is not None and member.paused_until is not None


def _would_empty(group: Group, pbx_id: str, now: datetime) -> bool:
    """Whether ``pbx_id`` is the last member who would ring now."""
    member = group.member(pbx_id)
    if member is None or member.paused_at(now):
        return False
    return all(m.paused_at(now) for m in group.members if m.user_id != pbx_id)


def _last_ringing(
    group: Group, person: _Person, now: datetime, directory: Directory, time_zone: str | None
) -> str:
    goes = describe_next_action(group.features.next_action, names_in(directory))
    others = [m for m in group.members if m.user_id != person.pbx_id]
    back = min((m.paused_until for m in others if m.paused_until), default=None)
    when = (
        f" until someone returns ({until_words(back, now, time_zone)}"
        f"{', your time' if time_zone else ' UTC'})"
        if back and others
        else ""
    )
    return (
        f"{person.words} is the last member of {group.name} who would ring: while paused, "
        f"calls to {group.name} go straight to the {goes}{when}."
    )


def _only_pauses_differ(pbx: Group, ours: Group) -> bool:
    if pbx == ours:
        return False
    unpaused = [m.model_copy(update={"paused_until": None}) for m in pbx.members]
    ours_unpaused = [m.model_copy(update={"paused_until": None}) for m in ours.members]
    return unpaused == ours_unpaused and pbx.model_copy(update={"members": ()}) == ours.model_copy(
        update={"members": ()}
    )


def _mirrored_members(
    group: Group, kept: Collection[Member], newcomers: Sequence[str]
) -> list[Member]:
    """The kept members, then the newcomers each with the usual window, worked out as if
    they joined one after another (Distribute's next share while the group is spread)."""
    members, added = list(kept), list(group.members)
    for user_id in newcomers:
        probe = group.model_copy(update={"members": tuple(added)})
        start, end = edits.usual_window(probe)
        newcomer = Member(user_id=user_id, start=start, end=end)
        members.append(newcomer)
        added.append(newcomer)
    return members


def _as_dicts(members: Sequence[Member]) -> list[dict[str, object]]:
    return [m.model_dump() for m in members]


def _lead_note(name: str, unmappable: Sequence[str], beyond: Sequence[str]) -> str:
    """Plain text with Slack mentions: the group's name is as typed, so whoever posts it
    renders it as text (``escape_keeping_mentions``), never as mrkdwn as it stands."""
    parts = []
    if unmappable:
        who = ", ".join(f"<@{u}>" for u in unmappable)
        parts.append(
            f"{who} {'is' if len(unmappable) == 1 else 'are'} in the user group but "
            f"{'has' if len(unmappable) == 1 else 'have'} no PBX user, so "
            f"{'is' if len(unmappable) == 1 else 'are'} not in {name}; an admin can link "
            "them in the PBX directory."
        )
    if beyond:
        who = ", ".join(f"<@{u}>" for u in beyond)
        parts.append(
            f"{name} has the most members a group can have ({MAX_MEMBERS}), so {who} "
            f"{'was' if len(beyond) == 1 else 'were'} not added; make the user group smaller "
            "or split the group."
        )
    return " ".join(parts)
