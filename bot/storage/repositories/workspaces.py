"""The Slack workspaces and the accounts they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.storage.models import Account, Workspace


class Workspaces:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, team_id: str) -> Workspace | None:
        return self.session.scalar(select(Workspace).where(Workspace.team_id == team_id))

    def by_id(self, workspace_id: int) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def api_key_of_account(self, account_id: str) -> str | None:
        """The API key the workspace bound to ``account_id`` connected it with, if any."""
        return self.session.scalar(
            select(Workspace.pbx_api_key)
            .where(Workspace.account_id == account_id, Workspace.pbx_api_key.is_not(None))
            .limit(1)
        )

    def all(self) -> Sequence[Workspace]:
        return self.session.scalars(select(Workspace).order_by(Workspace.team_id)).all()

    def ensure_account(self, account_id: str, now: datetime) -> None:
        """The account row, created if absent; two writers creating it at once both succeed."""
        if self.session.get(Account, account_id) is not None:
            return
        values = {"id": account_id, "created_at": now}
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(pg_insert(Account).values(values).on_conflict_do_nothing())
        else:
            self.session.execute(sqlite_insert(Account).values(values).on_conflict_do_nothing())

    def claim(self, team_id: str, account_id: str, now: datetime) -> Workspace:
        """The workspace row of ``team_id``, made with ``account_id`` (and that account)
        if it has none yet; of two callers making it at once, the first one's stands."""
        self.ensure_account(account_id, now)
        values = {
            "team_id": team_id,
            "account_id": account_id,
            "created_at": now,
            "updated_at": now,
        }
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                pg_insert(Workspace)
                .values(values)
                .on_conflict_do_nothing(index_elements=["team_id"])
            )
        else:
            self.session.execute(
                sqlite_insert(Workspace)
                .values(values)
                .on_conflict_do_nothing(index_elements=["team_id"])
            )
        row = self.get(team_id)
        assert row is not None
        return row

    def others_on(self, account_id: str, team_id: str) -> list[str]:
        """The other workspaces bound to ``account_id``."""
        found = self.session.scalars(
            select(Workspace.team_id).where(
                Workspace.account_id == account_id, Workspace.team_id != team_id
            )
        )
        return list(found)

    def create(self, team_id: str, account_id: str, now: datetime) -> Workspace:
        """A new workspace bound to ``account_id``, with the default settings."""
        return self.add(
            Workspace(team_id=team_id, account_id=account_id, created_at=now, updated_at=now)
        )

    def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        self.session.flush()
        return workspace

    def by_recording_secret_sha256(self, digest: str) -> Workspace | None:
        """The workspace whose recording secret has this SHA-256 (hex)."""
        return self.session.scalar(
            select(Workspace).where(Workspace.recording_secret_sha256 == digest)
        )

    def account(self, account_id: str) -> Account | None:
        return self.session.get(Account, account_id)
