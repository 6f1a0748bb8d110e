"""The workspace: its PBX account, storage limit, alert channel, time zone, thresholds."""

from __future__ import annotations

import zoneinfo

from bot.errors import FieldErrors, Forbidden
from bot.services.base import ServiceBase
from bot.services.types import Actor, WorkspaceSettings
from bot.storage.models import Workspace


class WorkspaceUseCases(ServiceBase):
    def workspace(self, team_id: str) -> WorkspaceSettings:
        with self._uow() as uow:
            row = uow.workspaces.get(team_id)
            if row is None:
                return WorkspaceSettings(team_id, self.options.default_account_id)
            return _workspace_settings(row)

    def setup_workspace(self, actor: Actor, settings: WorkspaceSettings) -> WorkspaceSettings:
        """Admins only; ``FieldErrors`` keyed by ``WorkspaceSettings`` field names."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can change the workspace settings.")
        _check_workspace(settings)
        now = self._clock()
        with self._uow() as uow:
            uow.workspaces.ensure_account(settings.account_id, now)
            row = uow.workspaces.get(actor.team_id)
            if row is None:
                row = uow.workspaces.add(
                    Workspace(
                        team_id=actor.team_id,
                        account_id=settings.account_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
            row.account_id = settings.account_id
            row.storage_limit_bytes = settings.storage_limit_bytes
            row.alert_channel = settings.alert_channel
            row.time_zone = settings.time_zone
            row.warn_percent = settings.warn_percent
            row.critical_percent = settings.critical_percent
            row.full_percent = settings.full_percent
            row.updated_at, row.updated_by = now, actor.user_id
            uow.commit()
            return _workspace_settings(row)


def _workspace_settings(row: Workspace) -> WorkspaceSettings:
    return WorkspaceSettings(
        team_id=row.team_id,
        account_id=row.account_id,
        storage_limit_bytes=row.storage_limit_bytes,
        alert_channel=row.alert_channel,
        time_zone=row.time_zone,
        warn_percent=row.warn_percent,
        critical_percent=row.critical_percent,
        full_percent=row.full_percent,
        configured=True,
    )


def _check_workspace(settings: WorkspaceSettings) -> None:
    errors: dict[str, str] = {}
    if not (
        len(settings.account_id) == 32 and all(c in "0123456789abcdef" for c in settings.account_id)
    ):
        errors["account_id"] = "the PBX account id is 32 lowercase hex characters"
    if settings.storage_limit_bytes is not None and settings.storage_limit_bytes <= 0:
        errors["storage_limit_bytes"] = "the storage limit must be more than 0 bytes"
    if settings.alert_channel is not None and not settings.alert_channel.startswith(("C", "G")):
        errors["alert_channel"] = "choose a channel for the alerts"
    try:
        zoneinfo.ZoneInfo(settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = f"{settings.time_zone!r} is not a time zone (like Europe/Paris)"
    percents = (settings.warn_percent, settings.critical_percent, settings.full_percent)
    if not 1 <= settings.warn_percent < settings.critical_percent <= settings.full_percent <= 1000:
        errors["warn_percent"] = (
            "thresholds must rise: warn < critical ≤ full, from 1 % "
            f"(given {percents[0]} %, {percents[1]} %, {percents[2]} %)"
        )
    if errors:
        raise FieldErrors(errors)
