"""groupbot's recording endpoint, the services side: the URL a group records to, the
workspace secret in it, and where an upload goes (docs/storage.md, "The endpoint").

A group's URL is ``<GROUPBOT_PUBLIC_URL>/recordings/<workspace secret>/<PBX group id>``.
Kazoo sends no header we could sign, so the secret in the path is what says the upload
comes from the workspace's PBX. It is random (``secrets.token_urlsafe``), made when a
workspace first needs it, and found by its SHA-256: the index lookup's timing says
nothing about the secret, and the stored secret is then compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from bot.engine.directory import Directory
from bot.engine.model import CallRecording, Group
from bot.errors import Forbidden, UserError
from bot.services.groups import GroupUseCases
from bot.services.types import Actor, GroupChange, OpenedGroup
from bot.storage.repositories import Workspace

RECORDINGS_PATH = "/recordings/"
NO_PUBLIC_URL = (
    "groupbot's recording endpoint is off: set GROUPBOT_PUBLIC_URL to the address the PBX "
    "reaches groupbot at (e.g. https://groupbot.example.com), or give a recording URL of "
    "your own."
)
NOT_SET_UP = "This workspace is not set up yet: an admin runs /group setup first."


@dataclass(frozen=True)
class RecordingTarget:
    """Where an upload to a recording URL goes."""

    team_id: str
    pbx_group_id: str


@dataclass(frozen=True)
class SecretRotated:
    """What a rotation did: the groups now recording to the new URL, and those left
    on the old one (named with the reason), which no longer takes uploads."""

    rewritten: tuple[str, ...]
    failed: tuple[str, ...]


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


class RecordingUrlUseCases(GroupUseCases):
    def recording_url_for(self, team_id: str, ref: str) -> str:
        """The groupbot recording URL of the group ``ref`` (name, extension), for
        ``/group record <group> on … url=groupbot`` and the Features form; the workspace's
        secret is made if it has none. ``UserError`` without GROUPBOT_PUBLIC_URL, naming it."""
        base = self._public_url()
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            row = uow.workspaces.get(team_id)
            if row is None:
                raise UserError(NOT_SET_UP)
            secret = _ensure_secret(row)
            uow.commit()
            return _url(base, secret, record.pbx_group_id)

    def rotate_recording_secret(self, actor: Actor) -> SecretRotated:
        """A new secret for the workspace (admins, Setup's Rotate button): every group
        recording to the old URL is changed to the new one through the normal change
        path (a revision and a PBX push each); uploads to the old URL are refused (404)
        from the moment the new secret is committed."""
        if not actor.is_admin:
            raise Forbidden("Only admins can rotate the recording secret.")
        base = self._public_url()
        with self._uow() as uow:
            row = uow.workspaces.get(actor.team_id)
            if row is None:
                raise UserError(NOT_SET_UP)
            old = row.recording_secret
            row.recording_secret = None
            new = _ensure_secret(row)
            account = row.account_id
            uow.commit()
        if old is None:
            return SecretRotated((), ())
        old_prefix = f"{base}{RECORDINGS_PATH}{old}/"
        with self._uow() as uow:
            using = [
                (s.pbx_group_id, s.name, s.version)
                for s in uow.groups.summaries(account)
                if _recording_url(s.features).startswith(old_prefix)
            ]
        rewritten: list[str] = []
        failed: list[str] = []
        for pbx_group_id, name, version in using:
            new_url = _url(base, new, pbx_group_id)
            opened = OpenedGroup(pbx_group_id, version, name, "")
            try:
                self.change_group(actor, opened, _with_url(new_url))
            except UserError as error:
                failed.append(f"{name} ({error.message})")
            else:
                rewritten.append(name)
        return SecretRotated(tuple(rewritten), tuple(failed))

    def recording_target(self, secret: str, pbx_group_id: str) -> RecordingTarget | None:
        """The workspace and group a recording URL names, or None (wrong secret, unknown
        group, or the endpoint off): the endpoint answers 404 alike, saying nothing."""
        if self.options.public_url is None or not secret:
            return None
        with self._uow() as uow:
            row = uow.workspaces.by_recording_secret_sha256(secret_digest(secret))
            if row is None or row.recording_secret is None:
                return None
            if not hmac.compare_digest(row.recording_secret.encode(), secret.encode()):
                return None
            if uow.groups.by_pbx_id(row.account_id, pbx_group_id) is None:
                return None
            return RecordingTarget(row.team_id, pbx_group_id)

    def _public_url(self) -> str:
        if not self.options.public_url:
            raise UserError(NO_PUBLIC_URL)
        return self.options.public_url.rstrip("/")


def _ensure_secret(row: Workspace) -> str:
    if row.recording_secret is None:
        row.recording_secret = secrets.token_urlsafe(24)  # 192 bits
        row.recording_secret_sha256 = secret_digest(row.recording_secret)
    return row.recording_secret


def _url(base: str, secret: str, pbx_group_id: str) -> str:
    # Kazoo appends "/call_recording_<call id>.<ext>?from=…&call_id=…" (kz_att_http.erl
    # 43-47, media_recording.erl 272-294): the endpoint takes any path below this one
    return f"{base}{RECORDINGS_PATH}{secret}/{pbx_group_id}"


def _recording_url(features: object) -> str:
    if not isinstance(features, dict):
        return ""
    recording = features.get("call_recording")
    url = recording.get("url") if isinstance(recording, dict) else None
    return url if isinstance(url, str) else ""


def _with_url(url: str) -> GroupChange:
    def change(group: Group, directory: Directory) -> Group:
        recording: CallRecording = group.features.call_recording.model_copy(update={"url": url})
        features = group.features.model_copy(update={"call_recording": recording})
        return group.model_copy(update={"features": features})

    return change
