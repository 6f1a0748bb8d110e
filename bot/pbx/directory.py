"""An optional part of the PBX port: reading the account's directory from the PBX.

A PBX that has a directory of its own (Kazoo: users, devices, voicemail boxes, menus,
media) implements ``DirectoryReader``; ``groupbot directory sync`` and the
``directory-sync`` job store what it reads, the PBX's ids kept, since group documents
refer to them. The local backend has no directory: its directory is imported from a
file (``groupbot directory import``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    id: str
    name: str
    email: str | None
    extension: str | None  # the first extension of the user's main callflow
    # SmartPBX's mainUserCallflow of the user: what a "user" next action branches to
    main_callflow_id: str | None


@dataclass(frozen=True, slots=True)
class DirectoryDevice:
    id: str
    name: str
    owner_id: str | None  # a user id
    enabled: bool
    do_not_disturb: bool


@dataclass(frozen=True, slots=True)
class DirectoryVoicemailBox:
    id: str
    name: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class DirectoryMenu:
    id: str
    name: str
    # the callflow that runs the menu: what a "Main Menu" next action branches to
    callflow_id: str


@dataclass(frozen=True, slots=True)
class DirectoryMedia:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class PbxDirectory:
    """The directory of one PBX account, as the PBX holds it."""

    account_id: str
    users: tuple[DirectoryUser, ...] = ()
    devices: tuple[DirectoryDevice, ...] = ()
    voicemail_boxes: tuple[DirectoryVoicemailBox, ...] = ()
    menus: tuple[DirectoryMenu, ...] = ()
    media: tuple[DirectoryMedia, ...] = ()


@runtime_checkable
class DirectoryReader(Protocol):
    def read_directory(self) -> PbxDirectory:
        """The whole directory of the adapter's account; ``PbxError`` when it cannot."""
