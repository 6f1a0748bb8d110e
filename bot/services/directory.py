"""The PBX directory: who a Slack user is on the PBX, and replacing the directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.directory import Directory
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.errors import Forbidden, NotFound, UserError
from bot.pbx import PbxError
from bot.pbx.directory import DirectoryReader, PbxDirectory
from bot.services.base import ServiceBase
from bot.services.types import Actor, DirectoryImport
from bot.storage.directory_file import (
    DeviceEntry,
    DirectoryData,
    DirectoryFileError,
    DirectoryInUse,
    MediaEntry,
    MenuEntry,
    UserEntry,
    VoicemailEntry,
    demo_directory_text,
    load_directory_yaml,
)
from bot.storage.directory_import import replace_directory
from bot.storage.unit_of_work import UnitOfWork


class NoPbxDirectory(UserError):
    """The PBX backend has no directory to read (the local one): import a file instead."""


class DirectoryUseCases(ServiceBase):
    def directory(self, team_id: str) -> Directory:
        with self._uow() as uow:
            return uow.directory.load(self._account(uow, team_id))

    def linked_slack_user(self, team_id: str, pbx_user_id: str) -> str | None:
        """The Slack user explicitly linked to a PBX user, if any (email is not looked at)."""
        with self._uow() as uow:
            user = uow.directory.user(self._account(uow, team_id), pbx_user_id)
            return user.slack_user if user is not None else None

    def pbx_user_for(self, team_id: str, slack_user_id: str, email: str | None) -> str:
        """The PBX user a Slack user maps to: the one linked explicitly, else the unlinked
        one with the same email. ``UserError`` naming the user when there is none."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            user = uow.directory.user_of(account, slack_user_id, email)
            if user is None:
                known = f" ({email})" if email else ""
                raise NotFound(
                    f"<@{slack_user_id}>{known} has no PBX user: no user of the PBX directory "
                    "is linked to them or has their email. Add them in SmartPBX with that "
                    "email (or ask an admin to), then try again."
                )
            return user.pbx_id

    def import_directory(
        self, team_id: str | None, data: DirectoryData | str, actor: Actor | None = None
    ) -> DirectoryImport:
        """Replace the PBX directory (``actor`` None: the operator at the command line).

        ``data`` is parsed data or the file's text; ``DirectoryFileError`` names each
        bad entry and field, and then nothing is imported. A file that leaves out a
        member of a group, or the voicemail box, user, device, menu or media a group's
        next action or ringback uses, is refused the same way (``DirectoryInUse``),
        naming the group and what it still uses. ``warnings`` name what groups used
        that was already missing before this import."""
        if actor is not None and not actor.is_admin:
            raise Forbidden("Only workspace admins can import the PBX directory.")
        parsed = load_directory_yaml(data) if isinstance(data, str) else data
        return self._replace_directory(team_id, parsed)

    def sync_directory(self, team_id: str | None = None) -> DirectoryImport:
        """Replace the directory with the PBX's own (``groupbot directory sync``, the
        ``directory-sync`` job), the PBX's ids kept: group documents refer to them.

        ``NoPbxDirectory`` when the PBX backend has none to read; a ``UserError`` naming
        the PBX's answer when it cannot be read. Like an import it never drops what a
        group still uses: ``DirectoryInUse`` names each group and what it uses that the
        PBX no longer has, and then nothing changes. A Slack user linked to a PBX user
        stays linked. ``changed`` is False when the PBX held what was already here."""
        if not isinstance(self._pbx, DirectoryReader):
            raise NoPbxDirectory(
                "The local PBX backend (PBX_BACKEND=file) has no directory to read; "
                "load one from a file with groupbot directory import."
            )
        try:
            read = self._pbx.read_directory()
        except PbxError as error:
            raise UserError(f"Could not read the directory from the PBX: {error}") from error
        return self._replace_directory(team_id, read)

    def _replace_directory(
        self, team_id: str | None, data: DirectoryData | PbxDirectory
    ) -> DirectoryImport:
        from_pbx = isinstance(data, PbxDirectory)
        now = self._clock()
        with self._uow() as uow:
            if team_id is None:
                account = self._default_account()
                uow.workspaces.ensure_account(account, now)
            else:
                account = self._account_for_write(uow, team_id, now)
            before, rows_before = uow.directory.load(account), _rows(uow, account)
            if isinstance(data, PbxDirectory):
                if data.account_id != account:
                    raise UserError(
                        f"The PBX's directory is that of account {data.account_id}, but "
                        f"{'this workspace' if team_id else 'groupbot'} uses account {account}."
                    )
                links = {u.pbx_id: u.slack_user for u in uow.directory.users(account)}
                data = _from_pbx(data, links)
            try:
                counts = replace_directory(uow, account, data, stand_ins=not from_pbx)
            except DirectoryFileError as error:
                if not from_pbx:
                    raise
                raise DirectoryFileError(_on_the_pbx(error.errors, data)) from None
            groups = [stored.group for stored in uow.groups.stored(account)]
            after = uow.directory.load(account)
            errors, warnings = still_used(
                groups, before, after, gone="is no longer on the PBX" if from_pbx else None
            )
            if errors:
                raise DirectoryInUse(errors)  # leaving the block rolls the import back
            changed = _rows(uow, account) != rows_before
            if changed or not from_pbx:
                uow.commit()  # a sync that finds nothing new writes nothing
        return DirectoryImport(
            account,
            counts.users,
            counts.devices,
            counts.voicemail_boxes,
            counts.menus,
            counts.media,
            tuple(warnings),
            changed=changed,
        )

    def ensure_directory(self, team_id: str | None = None) -> bool:
        """Give the account a directory when it has none: the PBX's own when the PBX
        has one to read (``sync_directory``), else the demo directory; True if it did."""
        with self._uow() as uow:
            account = self._default_account() if team_id is None else self._account(uow, team_id)
            if not uow.directory.is_empty(account):
                return False
        if isinstance(self._pbx, DirectoryReader):
            self.sync_directory(team_id)
        else:
            self.import_directory(team_id, demo_directory_text())
        return True


_TARGETS = {
    NextActionKind.VOICEMAIL: "voicemail box",
    NextActionKind.USER: "user",
    NextActionKind.DEVICE: "device",
    NextActionKind.MENU: "menu",
}


@dataclass(frozen=True)
class _Use:
    """Something a group uses from the directory, and how to talk about it."""

    key: str  # under the group's name in the error keys
    kind: str  # "user", "voicemail box", "device", "menu" or "media"
    target: str  # its PBX id
    says: str  # after the group's name: "still has member {}", "plays the media {} as ringback"
    fix: str  # "remove them from Sales", "change the next action of Sales"
    pronoun: str  # "them" or "it"

    @property
    def who(self) -> str:
        return "who" if self.kind == "user" else "which"


def _uses(group: Group) -> list[_Use]:
    name = group.name
    uses = [
        _Use(
            f"members.{m.user_id}",
            "user",
            m.user_id,
            "still has member {}",
            f"remove them from {name}",
            "them",
        )
        for m in group.members
    ]
    action = group.features.next_action
    if action.kind in _TARGETS and action.target_id is not None:
        kind = _TARGETS[action.kind]
        pronoun = "them" if action.kind is NextActionKind.USER else "it"
        uses.append(
            _Use(
                "features.next_action",
                kind,
                action.target_id,
                f"sends unanswered calls to the {kind} {{}}",
                f"change the next action of {name}",
                pronoun,
            )
        )
    ringback = group.features.ringback
    if ringback.kind is RingbackKind.MEDIA and ringback.media_id is not None:
        uses.append(
            _Use(
                "features.ringback",
                "media",
                ringback.media_id,
                "plays the media {} as ringback",
                f"change the ringback of {name}",
                "it",
            )
        )
    return uses


def _name_in(directory: Directory, kind: str, target: str) -> str | None:
    """How people know the directory entry ``target``; None when it is not there."""
    if kind == "user":
        user = directory.users.get(target)
        if user is None:
            return None
        return f"{user.email} ({user.name})" if user.email else user.name
    names: Mapping[str, str] = {
        "voicemail box": directory.vmboxes,
        "device": directory.devices,
        "menu": {k: m.name for k, m in directory.menus.items()},
        "media": directory.media,
    }[kind]
    return names.get(target)


def still_used(
    groups: Sequence[Group], before: Directory, after: Directory, *, gone: str | None = None
) -> tuple[dict[str, str], list[str]]:
    """What ``groups`` use that the directory ``after`` lacks: errors for what ``before``
    had (the new file drops it), warnings for what was missing already. ``gone``: how
    to say the entry went, when not from a file ("is no longer on the PBX")."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    for group in groups:
        for use in _uses(group):
            if _name_in(after, use.kind, use.target) is not None:
                continue
            known = _name_in(before, use.kind, use.target)
            if known is None:
                subject = f"{group.name} {use.says.format(use.target)}, {use.who}"
                warnings.append(f"{subject} was already missing from the PBX directory: {use.fix}")
            else:
                subject = f"{group.name} {use.says.format(known)}, {use.who}"
                errors[f"groups.{group.name}.{use.key}"] = (
                    f"{subject} is not in the file: {use.fix} first, or keep {use.pronoun} "
                    "in the file"
                    if gone is None
                    else f"{subject} {gone}: {use.fix} first, or put {use.pronoun} back"
                )
    return errors, warnings


def _rows(uow: UnitOfWork, account: str) -> tuple[list[tuple[object, ...]], ...]:
    """Everything the account's directory rows say, to tell whether a sync changed any."""
    directory = uow.directory
    users = directory.users(account)
    pbx_ids = {user.id: user.pbx_id for user in users}
    # pbx ids are unique per kind, so sorting never compares the Nones after them
    return (
        sorted(
            (u.pbx_id, u.name, u.email, u.slack_user, u.main_callflow_id, u.extension)
            for u in users
        ),
        sorted(
            (d.pbx_id, d.name, pbx_ids.get(d.owner_id or 0), d.enabled, d.do_not_disturb)
            for d in directory.devices(account)
        ),
        sorted((b.pbx_id, b.name, b.mailbox) for b in directory.vmboxes(account)),
        sorted((m.pbx_id, m.name, m.callflow_id) for m in directory.menus(account)),
        sorted((m.pbx_id, m.name) for m in directory.media(account)),
    )


def _from_pbx(read: PbxDirectory, links: Mapping[str, str | None]) -> DirectoryData:
    """The PBX's directory as directory data, every id the PBX's; ``links``: the Slack
    user linked to each PBX user id, kept."""
    return DirectoryData(
        users=tuple(
            UserEntry(
                id=u.id,
                name=u.name[:255],
                email=u.email if u.email and len(u.email) <= 255 else None,
                extension=u.extension,
                slack_user=links.get(u.id),
                main_callflow_id=u.main_callflow_id,
            )
            for u in read.users
        ),
        devices=tuple(
            DeviceEntry(d.id, d.name[:255], d.owner_id, d.enabled, d.do_not_disturb)
            for d in read.devices
        ),
        voicemail_boxes=tuple(
            VoicemailEntry(b.id, b.name[:255], b.mailbox[:32]) for b in read.voicemail_boxes
        ),
        menus=tuple(MenuEntry(m.id, m.name[:255], m.callflow_id) for m in read.menus),
        media=tuple(MediaEntry(m.id, m.name[:255]) for m in read.media),
    )


def _on_the_pbx(errors: Mapping[str, str], data: DirectoryData) -> dict[str, str]:
    """Errors keyed by a file's ``users[3].extension`` said of the PBX's user instead."""
    said = {}
    for path, message in errors.items():
        index = int(path.split("[", 1)[1].split("]", 1)[0]) if path.startswith("users[") else -1
        if 0 <= index < len(data.users):
            user, holder = data.users[index], message.rsplit(" is already used by ", 1)[-1]
            message = (
                f"{user.name} has extension {user.extension} on the PBX, which groupbot has "
                f"for {holder}: change the extension of {holder} or of {user.name} first"
            )
        said[path] = message
    return said
