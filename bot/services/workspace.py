"""The workspace: its PBX account, storage limit, alert channel, time zone, thresholds.

How a workspace gets its account depends on the install (``ServiceOptions.binding``):
typed by an admin in a one-workspace install; in a multi-workspace install never typed,
but made for it (local PBX) or confirmed by the PBX for an API key (Kazoo).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import replace

from bot.errors import FieldErrors, Forbidden
from bot.pbx import PbxRejected, PbxUnreachable
from bot.services.base import ServiceBase
from bot.services.types import AccountBinding, Actor, WorkspaceSettings
from bot.storage.repositories import Workspace
from bot.storage.unit_of_work import UnitOfWork

BYTES_PER_GB = 1_000_000_000  # storage is sold in decimal gigabytes
STORAGE_LIMIT_GB = (1, 1_000_000)  # a limit outside this is a typo, and 10^6 GB fits a bigint
PERCENT_RANGE = (1, 1000)
THRESHOLDS = (("warn_percent", "warn"), ("critical_percent", "critical"), ("full_percent", "full"))
API_KEY_MAX = 128  # the column's size; Kazoo's keys are 64 hex characters


def storage_limit_refusal() -> str:
    low, high = STORAGE_LIMIT_GB
    return f"The storage limit must be from {low:,} to {high:,} GB."


def percent_refusal(label: str) -> str:
    low, high = PERCENT_RANGE
    return f"The {label} threshold must be a whole percentage from {low} to {high:,}."


_HEX32 = re.compile(r"[0-9a-f]{32}")
_API_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TIME_ZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")


class WorkspaceUseCases(ServiceBase):
    def workspace(self, team_id: str) -> WorkspaceSettings:
        """What /group setup shows. A workspace of a multi-workspace install over the
        local PBX gets its own account here if this is its first request."""
        binding = self.options.binding
        with self._uow() as uow:
            if binding is AccountBinding.LOCAL:
                self._account(uow, team_id)
            row = uow.workspaces.get(team_id)
            if row is None:
                account = self.options.default_account_id or ""
                settings = WorkspaceSettings(team_id, account, binding=binding)
            else:
                settings = _workspace_settings(row, binding)
                if binding is AccountBinding.CREDENTIALS and not row.pbx_api_key:
                    settings = replace(settings, account_id="")
            if settings.account_id:
                count = len(uow.groups.summaries(settings.account_id))
                settings = replace(settings, group_count=count)
            return settings

    def setup_workspace(
        self, actor: Actor, settings: WorkspaceSettings, *, api_key: str | None = None
    ) -> WorkspaceSettings:
        """Admins only; ``FieldErrors`` keyed by ``WorkspaceSettings`` field names, and
        ``api_key`` for the key.

        ``settings.account_id`` is used only where an admin names the account (a
        one-workspace install). In a multi-workspace install over Kazoo, ``api_key``
        binds the account the PBX says the key is of (needed until one is bound; left
        out, the bound account stays); over the local PBX the account is the one
        groupbot made for the workspace."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can change the workspace settings.")
        binding = self.options.binding
        errors = _setting_errors(settings, check_account=binding is AccountBinding.TYPED)
        confirmed: str | None = None
        key = (api_key or "").strip() or None
        if binding is AccountBinding.CREDENTIALS and key is not None:
            confirmed, key_error = self._confirm(key)
            if key_error:
                errors["api_key"] = key_error
        if errors:
            raise FieldErrors(errors)
        now = self._clock()
        with self._uow() as uow:
            row = uow.workspaces.get(actor.team_id)
            if binding is AccountBinding.TYPED:
                account = settings.account_id
            elif binding is AccountBinding.LOCAL:
                account = self._account(uow, actor.team_id)
                row = uow.workspaces.get(actor.team_id)
            else:
                account = self._bound_account(uow, actor.team_id, row, confirmed)
            uow.workspaces.ensure_account(account, now)
            if row is None:
                row = uow.workspaces.create(actor.team_id, account, now)
            row.account_id = account
            if confirmed is not None:
                row.pbx_api_key = key
            row.storage_limit_bytes = settings.storage_limit_bytes
            row.alert_channel = settings.alert_channel
            row.time_zone = settings.time_zone
            row.warn_percent = settings.warn_percent
            row.critical_percent = settings.critical_percent
            row.full_percent = settings.full_percent
            row.updated_at, row.updated_by = now, actor.user_id
            uow.commit()
            return _workspace_settings(row, binding)

    def _confirm(self, key: str) -> tuple[str | None, str | None]:
        """(the account the PBX confirms for ``key``, None), or (None, why not)."""
        if len(key) > API_KEY_MAX or not _API_KEY.fullmatch(key):
            return None, (
                f"A PBX API key is letters and digits, at most {API_KEY_MAX}; "
                "paste it again from the PBX."
            )
        binder = self.options.binder
        assert binder is not None
        try:
            account = binder.confirm_account(key)
        except PbxRejected:
            return None, "The PBX did not accept this API key; check it and paste it again."
        except PbxUnreachable as error:
            return None, f"The PBX could not be reached to check this key ({error}); try again."
        if not _HEX32.fullmatch(account):
            return None, "The PBX did not say which account this API key belongs to."
        return account, None

    def _bound_account(
        self, uow: UnitOfWork, team_id: str, row: Workspace | None, confirmed: str | None
    ) -> str:
        """The account a Kazoo multi-workspace setup saves: the newly confirmed one, else
        the one bound before; one account is never bound to two workspaces."""
        if confirmed is None:
            if row is None or not row.pbx_api_key:
                raise FieldErrors(
                    {"api_key": "Paste the PBX API key of this workspace's account to connect it."}
                )
            return row.account_id
        if uow.workspaces.others_on(confirmed, team_id):
            raise FieldErrors(
                {"api_key": "This API key's PBX account is connected to another Slack workspace."}
            )
        return confirmed


def _workspace_settings(row: Workspace, binding: AccountBinding) -> WorkspaceSettings:
    return WorkspaceSettings(
        team_id=row.team_id,
        account_id=row.account_id,
        storage_limit_bytes=row.storage_limit_bytes,
        alert_channel=row.alert_channel,
        time_zone=row.time_zone,
        warn_percent=row.warn_percent,
        critical_percent=row.critical_percent,
        full_percent=row.full_percent,
        # a row made for a workspace on first sight holds defaults until an admin saves
        configured=row.updated_by is not None,
        binding=binding,
    )


def _setting_errors(settings: WorkspaceSettings, *, check_account: bool) -> dict[str, str]:
    """Each field's refusal, keyed by its name: every bound is checked here too, so no
    caller can store what the database cannot hold."""
    errors: dict[str, str] = {}
    if check_account and not _HEX32.fullmatch(settings.account_id):
        errors["account_id"] = "the PBX account id is 32 lowercase hex characters"
    # the form asks for whole gigabytes; below it (tests, the CLI) any positive size is a
    # limit, and the upper bound keeps the column's bigint safe
    limit = settings.storage_limit_bytes
    if limit is not None and not 0 < limit <= STORAGE_LIMIT_GB[1] * BYTES_PER_GB:
        errors["storage_limit_bytes"] = storage_limit_refusal()
    if settings.alert_channel is not None and not re.fullmatch(
        r"[CG][A-Z0-9]{2,30}", settings.alert_channel
    ):
        errors["alert_channel"] = "choose a channel for the alerts"
    if not _is_time_zone(settings.time_zone):
        shown = settings.time_zone[:40]
        errors["time_zone"] = f"'{shown}' is not a time zone (like Europe/Paris)"
    errors.update(_threshold_errors(settings))
    return errors


def _is_time_zone(name: str) -> bool:
    if len(name) > 64 or not _TIME_ZONE.fullmatch(name):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _threshold_errors(settings: WorkspaceSettings) -> dict[str, str]:
    low, high = PERCENT_RANGE
    errors: dict[str, str] = {}
    for field, label in THRESHOLDS:
        value = getattr(settings, field)
        if not low <= value <= high:
            errors[field] = percent_refusal(label)
    if errors:
        return errors
    warn, critical, full = settings.warn_percent, settings.critical_percent, settings.full_percent
    if not warn < critical:
        errors["warn_percent"] = f"Warn ({warn} %) must be below critical ({critical} %)."
    if not critical <= full:
        errors["critical_percent"] = f"Critical ({critical} %) must be at most full ({full} %)."
    return errors
