"""The PBX directory: who a Slack user is on the PBX, and replacing the directory."""

from __future__ import annotations

from bot.engine.directory import Directory
from bot.errors import Forbidden, UserError
from bot.services.base import ServiceBase
from bot.services.types import Actor, DirectoryImport
from bot.storage.directory_file import DirectoryData, demo_directory_text, load_directory_yaml
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
                raise UserError(
                    f"<@{slack_user_id}>{known} has no PBX user: no user of the PBX directory "
                    "is linked to them or has their email."
                )
            return user.pbx_id

    def import_directory(
        self, team_id: str | None, data: DirectoryData | str, actor: Actor | None = None
    ) -> DirectoryImport:
        """Replace the PBX directory (``actor`` None: the operator at the command line).

        ``data`` is parsed data or the file's text; ``DirectoryFileError`` names each
        bad entry and field, and then nothing is imported."""
        if actor is not None and not actor.is_admin:
            raise Forbidden("Only workspace admins can import the PBX directory.")
        parsed = load_directory_yaml(data) if isinstance(data, str) else data
        now = self._clock()
        with self._uow() as uow:
            if team_id is None:
                account = self.options.default_account_id
                uow.workspaces.ensure_account(account, now)
            else:
                account = self._account_for_write(uow, team_id, now)
            counts = replace_directory(uow, account, parsed)
            kept = set(uow.directory.load(account).users)
            warnings = [
                f"{r.name}: member {m.user_id} is no longer in the directory"
                for r in uow.groups.list(account)
                for m in r.members
                if m.user_id not in kept
            ]
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
            account = (
                self.options.default_account_id if team_id is None else self._account(uow, team_id)
            )
            if not uow.directory.is_empty(account):
                return False
        self.import_directory(team_id, demo_directory_text())
        return True
