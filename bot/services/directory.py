"""The PBX directory: who a Slack user is on the PBX, and replacing the directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.directory import Directory
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.errors import Forbidden, NotFound
from bot.services.base import ServiceBase
from bot.services.types import Actor, DirectoryImport
from bot.storage.directory_file import (
    DirectoryData,
    DirectoryInUse,
    demo_directory_text,
    load_directory_yaml,
)
from bot.storage.directory_import import replace_directory


class DirectoryUseCases(ServiceBase):
    def directory(self, team_id: str) -> Directory:
        with self._uow() as uow:
            return uow.directory.load(self._account(uow, team_id))

    def pbx_user_for(self, team_id: str, slack_user_id: str, email: str | None) -> str:
        """The PBX user a Slack user maps to: the one linked explicitly, else the one with
        the same email. ``UserError`` naming the user when there is none."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            user = uow.directory.user_for_slack(account, slack_user_id)
            if user is None and email:
                user = uow.directory.user_for_email(account, email)
            if user is None:
                known = f" ({email})" if email else ""
                raise NotFound(
                    f"<@{slack_user_id}>{known} has no PBX user: no user of the PBX directory "
                    "is linked to them or has their email."
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
        now = self._clock()
        with self._uow() as uow:
            if team_id is None:
                account = self._default_account()
                uow.workspaces.ensure_account(account, now)
            else:
                account = self._account_for_write(uow, team_id, now)
            before = uow.directory.load(account)
            counts = replace_directory(uow, account, parsed)
            groups = [stored.group for stored in uow.groups.stored(account)]
            errors, warnings = still_used(groups, before, uow.directory.load(account))
            if errors:
                raise DirectoryInUse(errors)  # leaving the block rolls the import back
            uow.commit()
        return DirectoryImport(
            account,
            counts.users,
            counts.devices,
            counts.voicemail_boxes,
            counts.menus,
            counts.media,
            tuple(warnings),
        )

    def ensure_directory(self, team_id: str | None = None) -> bool:
        """Load the demo directory when the account has none; True if it did."""
        with self._uow() as uow:
            account = self._default_account() if team_id is None else self._account(uow, team_id)
            if not uow.directory.is_empty(account):
                return False
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
    groups: Sequence[Group], before: Directory, after: Directory
) -> tuple[dict[str, str], list[str]]:
    """What ``groups`` use that the directory ``after`` lacks: errors for what ``before``
    had (the new file drops it), warnings for what was missing already."""
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
                )
    return errors, warnings
