"""Drift and adoption: the PBX's documents compared with what groupbot would write.

A group's documents can change on the PBX behind groupbot's back (in SmartPBX, or a file
of the local backend edited by hand), and SmartPBX can make ring groups groupbot does
not know. ``drift(team)`` reads the PBX (``bot.pbx.documents.DocumentReader``), reads
each of our groups' documents back into a ``Group`` with the decompiler and compares
groups, not JSON, so every difference is one a team lead understands ("Bob rings
0–30 s on the PBX, 0–20 s here"). Groups on the PBX that groupbot does not know are
listed as adoptable, or with the reason they cannot be.

Admins then settle each difference: ``push_ours`` queues our documents again through
the outbox; ``adopt_pbx`` stores the PBX's version as a new revision of ours (the normal
change path); ``adopt`` makes a group of ours from a ring group groupbot does not know,
keeping the PBX's ids, so its documents stay where they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.engine.changes import describe_next_action, describe_ringback, names_in
from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_account_group, decompile_group
from bot.engine.directory import Directory
from bot.engine.documents import DecompileError, GroupDocuments, JsonDoc, PbxIds
from bot.engine.model import (
    CallerIdPrepend,
    CallRecording,
    Group,
)
from bot.engine.validation import GroupRejected, check_in_account
from bot.errors import Forbidden, NotFound, UserError
from bot.pbx import PbxError
from bot.pbx.documents import DocumentReader, PbxRingGroup, ReadGroup
from bot.services.groups import GroupUseCases, upserts
from bot.services.types import Actor, SaveResult
from bot.storage.mapping import StoredGroup, name_key, stored_of

NO_READER = (
    "This PBX backend cannot read its documents back, so groupbot cannot compare them with its own."
)


@dataclass(frozen=True, slots=True)
class GroupDrift:
    """One of our groups whose documents on the PBX say something else than ours."""

    pbx_group_id: str
    name: str  # groupbot's name for it
    lines: tuple[str, ...]  # each difference in plain words: "… on the PBX, … here"
    # the PBX's version could be read: ``adopt_pbx`` can take it
    pbx_readable: bool
    # groupbot's last change has not reached the PBX yet: pushing may be all it needs
    pending: bool = False


@dataclass(frozen=True, slots=True)
class AdoptableGroup:
    """A ring group on the PBX that groupbot does not know (made in SmartPBX)."""

    pbx_group_id: str
    name: str
    about: str  # "extension 201, 3 members", or what could be read of it
    refusal: str | None = None  # why it cannot be adopted, in plain words

    @property
    def can_adopt(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class DriftReport:
    """What ``/group drift`` and ``groupbot sync --dry-run`` show: a view renders it as is."""

    drifted: tuple[GroupDrift, ...]  # ours that differ on the PBX, by name
    in_sync: tuple[str, ...]  # names of ours the PBX has exactly as groupbot would write
    adoptable: tuple[AdoptableGroup, ...]  # the PBX's that groupbot does not know, by name

    @property
    def empty(self) -> bool:
        """Nothing to settle: the PBX has every group of ours as ours, and no other."""
        return not self.drifted and not self.adoptable

    def text(self) -> list[str]:
        """The report as plain lines, for the command line."""
        if self.empty:
            return [f"The PBX matches groupbot ({_count(len(self.in_sync), 'group')})."]
        lines: list[str] = []
        for drift in self.drifted:
            waiting = " (its last change has not reached the PBX yet)" if drift.pending else ""
            lines.append(f"{drift.name} differs on the PBX{waiting}:")
            lines += [f"  - {line}" for line in drift.lines]
        for group in self.adoptable:
            if group.can_adopt:
                lines.append(f"{group.name} is on the PBX only ({group.about}); it can be adopted.")
            else:
                lines.append(
                    f"{group.name} is on the PBX only ({group.about}); it cannot be adopted: "
                    f"{group.refusal}"
                )
        if self.in_sync:
            lines.append(f"In step with the PBX: {', '.join(self.in_sync)}.")
        return lines


class DriftUseCases(GroupUseCases):
    def drift(self, team_id: str | None) -> DriftReport:
        """Compare, group by group, the PBX with what groupbot would write. Anyone may look;
        ``team_id`` None is the command line's one-workspace install."""
        with self._uow() as uow:
            account = self._default_account() if team_id is None else self._account(uow, team_id)
            stored = uow.groups.stored(account)
            directory = uow.directory.load(account)
            pending = uow.outbox.pending_groups(account)
        reader = self._reader(account)
        try:
            on_pbx = {g.group_id: g for g in reader.ring_groups()}
        except PbxError as error:
            raise UserError(f"Could not read the ring groups on the PBX: {error}") from error
        names = names_in(directory)
        drifted: list[GroupDrift] = []
        in_sync: list[str] = []
        for group in sorted(stored, key=lambda s: name_key(s.group.name)):
            already = _read_in(on_pbx.get(group.ids.group_id), group.ids)
            lines, readable = self._compare(reader, group, directory, names, already)
            if lines:
                drifted.append(
                    GroupDrift(
                        group.ids.group_id,
                        group.group.name,
                        tuple(lines),
                        readable,
                        group.ids.group_id in pending,
                    )
                )
            else:
                in_sync.append(group.group.name)
        ours = {g.ids.group_id for g in stored}
        adoptable = [
            _adoptable(found, directory, names)
            for group_id, found in on_pbx.items()
            if group_id not in ours
        ]
        adoptable.sort(key=lambda a: name_key(a.name))
        return DriftReport(tuple(drifted), tuple(in_sync), tuple(adoptable))

    def push_ours(self, actor: Actor, ref: str) -> SaveResult:
        """Admins: write our documents of the group to the PBX again, over what it has:
        all three queued through the outbox like any change, then the account's outbox
        pushed (``push_pending``). Our group does not change (no revision)."""
        self._require_admin(actor, "push groupbot's version of a group to the PBX")
        now = self._clock()
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            stored = stored_of(record)
            directory = uow.directory.around(account, [stored.group])
            documents = compile_group(stored.group, stored.ids, directory)
            writes = upserts(documents, stored.ids)
            # what the PBX was known to hold is not what it holds now: write all three
            uow.outbox.forget(account, stored.ids.group_id)
            uow.outbox.add(account, stored.ids.group_id, "upsert", writes, now)
            view = self._view_of(uow, record)
            uow.commit()
        name = stored.group.name
        pushed = self.push_pending(actor.team_id)
        error = next((why for group, why in pushed.failed if group == name), None)
        if error is None:
            return SaveResult(view, (), None, "pushed groupbot's version")
        warning = f"The PBX has not taken {name} yet ({error}); it is queued and will be retried."
        return SaveResult(replace(view, pbx_pending=True), (warning,), error, "queued")

    def adopt_pbx(self, actor: Actor, ref: str) -> SaveResult:
        """Admins: take the PBX's version of the group as a new revision of ours."""
        self._require_admin(actor, "take the PBX's version of a group")
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            stored = stored_of(record)
            directory = uow.directory.load(account)
        reader = self._reader(account)
        theirs = _read_back(reader, stored, directory)
        if isinstance(theirs, str):
            raise UserError(f"The PBX's version of {stored.group.name} cannot be taken: {theirs}")
        group, ids = theirs
        if ids != stored.ids:
            raise UserError(
                f"The PBX's {stored.group.name} is another group than groupbot's (it was "
                "made again in SmartPBX); push groupbot's version instead."
            )
        return self._adopt_version(actor, stored, group)

    def adopt(self, actor: Actor, name: str) -> SaveResult:
        """Admins: make a group of ours from a ring group on the PBX that groupbot does
        not know, keeping its ids (its documents stay where they are on the PBX)."""
        self._require_admin(actor, "adopt a group made on the PBX")
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, self._clock())
            ours = {s.ids.group_id for s in uow.groups.stored(account)}
            directory = uow.directory.load(account)
        reader = self._reader(account)
        try:
            found = [g for g in reader.ring_groups() if g.group_id not in ours]
        except PbxError as error:
            raise UserError(f"Could not read the ring groups on the PBX: {error}") from error
        wanted = name_key(name)
        matches = [g for g in found if name_key(g.name) == wanted or g.group_id == name.strip()]
        if not matches:
            known = ", ".join(sorted(g.name for g in found)) or "none"
            raise NotFound(
                f"No ring group '{name}' on the PBX that groupbot does not already keep "
                f"(those it does not: {known})."
            )
        if len(matches) > 1:
            raise UserError(
                f"{len(matches)} ring groups on the PBX are called {matches[0].name}; rename "
                "one in SmartPBX first."
            )
        try:
            group, ids = _decompile(matches[0], directory)
        except DecompileError as error:
            raise UserError(f"{matches[0].name} cannot be adopted: {error.message}") from None
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, self._clock())
            try:
                # numbers it already has on the PBX ring there: they may stay as they are
                return self._write_group(
                    uow,
                    actor,
                    account,
                    None,
                    group,
                    label="adopted from the PBX",
                    restoring=True,
                    ids=ids,
                )
            except GroupRejected as rejected:
                raise UserError(f"{group.name} cannot be adopted: {rejected.message}") from None

    # -- inside ----------------------------------------------------------------------

    def _reader(self, account: str) -> DocumentReader:
        """What reads ``account``'s documents on the PBX (never another account's)."""
        try:
            pbx = self._pbx_for(account)
        except PbxError as error:
            raise UserError(f"The PBX cannot be read: {error}.") from None
        if not isinstance(pbx, DocumentReader):
            raise UserError(NO_READER)
        return pbx

    def _require_admin(self, actor: Actor, what: str) -> None:
        if not actor.is_admin or actor.outsider:
            raise Forbidden(f"Only workspace admins can {what}.")

    def _compare(
        self,
        reader: DocumentReader,
        stored: StoredGroup,
        directory: Directory,
        names: Mapping[str, str],
        already: ReadGroup | None = None,
    ) -> tuple[list[str], bool]:
        """The differences in words (none: in step), and whether the PBX's version could
        be read; ``already``: its three documents, when the ring-group listing read them."""
        name = stored.group.name
        try:
            read = already or reader.read_group(stored.ids)
        except PbxError as error:
            return [f"the PBX's documents of {name} cannot be read: {error}"], False
        try:
            ours = compile_group(stored.group, stored.ids, directory)
        except ValueError:
            ours = None  # an orphan next action: compare the groups all the same
        if ours is not None and _same_documents(read, ours):
            return [], True
        missing = _missing(read, name)
        if missing:
            return missing, False
        theirs = _read_back(reader, stored, directory, read)
        if isinstance(theirs, str):
            return [f"the PBX's documents of {name} cannot be read by groupbot: {theirs}"], False
        group, ids = theirs
        lines = differences(group, stored.group, names)
        if ids != stored.ids:
            lines.append(f"the PBX's documents of {name} are tied by other ids than groupbot's")
        return lines, True

    def _adopt_version(self, actor: Actor, stored: StoredGroup, group: Group) -> SaveResult:
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = uow.groups.by_pbx_id(account, stored.ids.group_id)
            if record is None:
                raise NotFound(f"{stored.group.name} was deleted meanwhile.")
            if record.version != stored.version:
                raise UserError(
                    f"{stored.group.name} changed while the PBX was read; look at the drift again."
                )
            try:
                return self._write_group(
                    uow,
                    actor,
                    account,
                    record,
                    group,
                    label="took the PBX's version",
                    restoring=True,
                )
            except GroupRejected as rejected:
                raise UserError(
                    f"The PBX's version of {stored.group.name} cannot be kept: {rejected.message}"
                ) from None


# ---------------------------------------------------------------- reading the PBX's side


def _same_documents(read: ReadGroup, ours: GroupDocuments) -> bool:
    return (read.group, read.base_callflow, read.user_callflow) == (
        ours.group,
        ours.base_callflow,
        ours.user_callflow,
    )


def _missing(read: ReadGroup, name: str) -> list[str]:
    if read.group is None and read.base_callflow is None and read.user_callflow is None:
        return [f"the PBX does not have {name}"]
    words = [
        f"the PBX has no {what} for {name}"
        for what, doc in (
            ("group document", read.group),
            ("baseGroup callflow", read.base_callflow),
            ("userGroup callflow", read.user_callflow),
        )
        if doc is None
    ]
    return words


def _read_back(
    reader: DocumentReader,
    stored: StoredGroup,
    directory: Directory,
    read: ReadGroup | None = None,
) -> tuple[Group, PbxIds] | str:
    """The PBX's version of one of our groups, or what keeps it from being read."""
    try:
        read = read or reader.read_group(stored.ids)
    except PbxError as error:
        return str(error)
    missing = _missing(read, stored.group.name)
    if missing or read.group is None or read.base_callflow is None or read.user_callflow is None:
        return "; ".join(missing)
    try:
        return decompile_group(
            read.group,
            read.base_callflow,
            read.user_callflow,
            directory,
            user_callflow_id=stored.ids.user_callflow_id,
        )
    except DecompileError as error:
        return error.message


def _decompile(found: PbxRingGroup, directory: Directory) -> tuple[Group, PbxIds]:
    if found.group is None:
        raise DecompileError(f"the PBX has callflows for {found.name} but no group document")
    group_doc = {**found.group, "id": found.group_id}
    return decompile_account_group(group_doc, found.callflows, directory)


def _adoptable(
    found: PbxRingGroup, directory: Directory, names: Mapping[str, str]
) -> AdoptableGroup:
    try:
        group, ids = _decompile(found, directory)
    except DecompileError as error:
        return AdoptableGroup(found.group_id, found.name, "cannot be read", error.message)
    about = f"extension {group.extension}, {_count(len(group.members), 'member')}"
    try:
        check_in_account(group, directory, group_id=ids.group_id)
    except GroupRejected as rejected:
        return AdoptableGroup(found.group_id, group.name, about, _plain(rejected.message, names))
    return AdoptableGroup(found.group_id, group.name, about)


def _plain(text: str, names: Mapping[str, str]) -> str:
    for pbx_id, name in names.items():
        text = text.replace(pbx_id, name)
    return text


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- the words


def differences(pbx: Group, ours: Group, names: Mapping[str, str]) -> list[str]:
    """Each way ``pbx`` (the PBX's version) differs from ``ours``, in plain words."""
    lines: list[str] = []
    if pbx.name != ours.name:
        lines.append(f"{ours.name} is called “{pbx.name}” on the PBX")
    if pbx.extension != ours.extension:
        lines.append(f"the extension is {pbx.extension} on the PBX, {ours.extension} here")
    theirs_numbers = [*pbx.extra_extensions, *pbx.numbers]
    our_numbers = [*ours.extra_extensions, *ours.numbers]
    added = [n for n in theirs_numbers if n not in our_numbers]
    removed = [n for n in our_numbers if n not in theirs_numbers]
    if added:
        lines.append(f"the PBX also rings the group on {', '.join(added)}")
    if removed:
        lines.append(f"the PBX no longer rings the group on {', '.join(removed)}")
    lines += _members(pbx, ours, names)
    if pbx.repeats != ours.repeats:
        lines.append(f"dialing repeats are {pbx.repeats} on the PBX, {ours.repeats} here")
    if pbx.strategy != ours.strategy:
        lines.append(f"members ring {_strategy(pbx)} on the PBX, {_strategy(ours)} here")
    theirs, mine = pbx.features, ours.features
    lines += _recording(theirs.call_recording, mine.call_recording)
    if theirs.ringback != mine.ringback:
        lines.append(
            f"callers hear {describe_ringback(theirs.ringback, names)} on the PBX, "
            f"{describe_ringback(mine.ringback, names)} here"
        )
    if theirs.next_action != mine.next_action:
        lines.append(
            f"unanswered calls go to {describe_next_action(theirs.next_action, names)} on the PBX, "
            f"to {describe_next_action(mine.next_action, names)} here"
        )
    if theirs.allow_call_forward != mine.allow_call_forward:
        lines.append(
            f"call-forward is {_allowed(theirs.allow_call_forward)} on the PBX, "
            f"{_allowed(mine.allow_call_forward)} here"
        )
    lines += _prepend(theirs.caller_id_prepend, mine.caller_id_prepend)
    return lines


def _members(pbx: Group, ours: Group, names: Mapping[str, str]) -> list[str]:
    theirs = {m.user_id: m for m in pbx.members}
    mine = {m.user_id: m for m in ours.members}
    lines = [f"{names.get(u, u)} is a member on the PBX only" for u in theirs if u not in mine]
    lines += [f"{names.get(u, u)} is a member here only" for u in mine if u not in theirs]
    for user_id, member in theirs.items():
        here = mine.get(user_id)
        if here is not None and (member.start, member.end) != (here.start, here.end):
            lines.append(
                f"{names.get(user_id, user_id)} rings {member.start}–{member.end} s on the "
                f"PBX, {here.start}–{here.end} s here"
            )
    order_theirs = [u for u in theirs if u in mine]
    order_mine = [u for u in mine if u in theirs]
    if order_theirs != order_mine:
        lines.append("the members are in another order on the PBX")
    return lines


def _strategy(group: Group) -> str:
    return "one after another" if group.strategy.value == "single" else "all at once"


def _on(enabled: bool) -> str:
    return "on" if enabled else "off"


def _allowed(allowed: bool) -> str:
    return "allowed" if allowed else "not allowed"


def _recording(pbx: CallRecording, ours: CallRecording) -> list[str]:
    if pbx == ours:
        return []
    if pbx.enabled != ours.enabled:
        return [f"call recording is {_on(pbx.enabled)} on the PBX, {_on(ours.enabled)} here"]
    lines = []
    if pbx.format != ours.format:
        lines.append(f"recordings are {pbx.format.value} on the PBX, {ours.format.value} here")
    if pbx.time_limit != ours.time_limit:
        lines.append(
            f"recordings stop after {pbx.time_limit} s on the PBX, {ours.time_limit} s here"
        )
    if pbx.url != ours.url:
        lines.append(
            f"recordings go to {pbx.url or 'the PBX'} on the PBX, to {ours.url or 'the PBX'} here"
        )
    return lines


def _prepend(pbx: CallerIdPrepend, ours: CallerIdPrepend) -> list[str]:
    if pbx == ours:
        return []
    return [f"caller ID prepend is {_prefixes(pbx)} on the PBX, {_prefixes(ours)} here"]


def _prefixes(prepend: CallerIdPrepend) -> str:
    if not prepend.enabled:
        return "off"
    shown = [
        f'{label} "{value}"'
        for label, value in (("name", prepend.name_prefix), ("number", prepend.number_prefix))
        if value
    ]
    return "on (" + ", ".join(shown) + ")"


__all__ = [
    "AdoptableGroup",
    "DriftReport",
    "DriftUseCases",
    "GroupDrift",
    "differences",
]


def _read_in(found: PbxRingGroup | None, ids: PbxIds) -> ReadGroup | None:
    """The group's three documents as ``ring_groups`` already read them (each as
    ``read`` gives it, without the ``id`` the listing added), or None when one of them is
    not among them: then the group is read on its own."""
    if found is None or found.group is None:
        return None
    callflows = {c.get("id"): c for c in found.callflows}
    base, user = callflows.get(ids.base_callflow_id), callflows.get(ids.user_callflow_id)
    if base is None or user is None:
        return None

    def bare(document: JsonDoc) -> JsonDoc:
        return {k: v for k, v in document.items() if k != "id"}

    return ReadGroup(bare(found.group), bare(base), bare(user))
