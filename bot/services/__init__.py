"""Use cases: what a Slack command, a modal, the shell or the CLI asks groupbot to do.

The Slack surface calls these and nothing below them. Each method takes the acting user
(an ``Actor``) where rights matter, re-checks those rights itself, reaches the database
only through a unit of work, and writes to the PBX through the outbox.

CONTRACT: signatures and result types below are what ``bot.commands`` and ``bot.shell``
code against; keep them stable or change both sides. Import them from ``bot.services``;
the modules behind it are laid out by use case:

- ``types``: the dataclasses taken and given back (``Actor``, ``GroupView``, …);
- ``groups``: reading groups and every group write, through one ``_write_group``;
- ``workspace``: ``/group setup``;
- ``directory``: the PBX directory and who a Slack user is on the PBX;
- ``portable``: groups as portable YAML (export / import);
- ``outbox``: pushing committed changes to the PBX;
- ``storage``: recording storage: the report, threshold alerts, counting recordings;
- ``drift``: the PBX's documents compared with ours (``drift``), and settling it
  (``push_ours``, ``adopt_pbx``, ``adopt`` a ring group made in SmartPBX).
- ``recording_url``: groupbot's recording endpoint: a group's URL, the workspace secret.
- ``presence``: members pausing, resuming, joining and leaving; Slack user groups that
  keep a group's members; pauses made on the phone.
- ``mirror``: following a Slack user group: reading it (the ``UserGroupSource`` port),
  reconciling, telling the leads.

How a write reaches the PBX. The group row, its revision and an outbox entry holding
the compiled documents that differ from what the PBX was last known to hold are
committed in one transaction, and the write returns: nothing is sent to the PBX before
the surface has answered. Then the surface calls ``push_after_save`` (the Slack layer in
its post-ack work, ``commands.pushes``), which sends what this thread saved and says what
the PBX did not take (``OutboxPush``: ``failed``, and of those the ``refused``). What is
left (the PBX down) ``push_pending`` sends: the ``pbx-outbox`` job every minute,
``groupbot sync`` and ``/group sync``. A group whose last change the PBX has not taken
shows ``pbx_pending``, and ``pbx_reason`` once a push was refused or failed.
``bot.services.outbox`` says how entries stay in order and are sent once.

Rights: admins do everything; a group's leads (its creator and anyone an admin names)
change and delete it; everyone else reads. Creating a group is for admins.
"""

from __future__ import annotations

from bot.services.directory import DirectoryUseCases
from bot.services.drift import AdoptableGroup, DriftReport, DriftUseCases, GroupDrift
from bot.services.mirror import (
    MirrorUseCases,
    NoUserGroups,
    UserGroupSource,
    UserGroupUnreadable,
)
from bot.services.portable import PortableUseCases
from bot.services.presence import MirrorResult, PresenceResult
from bot.services.recording_url import (
    NO_PUBLIC_URL,
    RecordingTarget,
    RecordingUrlUseCases,
    SecretRotated,
)
from bot.services.storage import (
    GroupStorage,
    NotDelivered,
    RecordingSeen,
    Sent,
    StorageAlert,
    StorageDay,
    StorageNotifier,
    StorageReport,
    StorageUseCases,
)
from bot.services.types import (
    AccountBinding,
    Actor,
    Clock,
    DirectoryImport,
    GroupChange,
    GroupSummary,
    GroupView,
    History,
    Membership,
    OpenedGroup,
    OutboxPush,
    Revision,
    SaveResult,
    ServiceOptions,
    WorkspaceSettings,
)
from bot.services.workspace import (
    BYTES_PER_GB,
    PERCENT_RANGE,
    STORAGE_LIMIT_GB,
    THRESHOLDS,
    WorkspaceUseCases,
    percent_refusal,
    storage_limit_refusal,
)


class Services(
    MirrorUseCases,
    PortableUseCases,
    RecordingUrlUseCases,
    DirectoryUseCases,
    WorkspaceUseCases,
    StorageUseCases,
    DriftUseCases,
):
    """Every use case; constructed once by ``bot.app`` with a unit-of-work factory, a PBX
    adapter, a clock and ``ServiceOptions``."""


__all__ = [
    "BYTES_PER_GB",
    "NO_PUBLIC_URL",
    "PERCENT_RANGE",
    "STORAGE_LIMIT_GB",
    "THRESHOLDS",
    "AccountBinding",
    "Actor",
    "AdoptableGroup",
    "Clock",
    "DirectoryImport",
    "DriftReport",
    "GroupChange",
    "GroupDrift",
    "GroupStorage",
    "GroupSummary",
    "GroupView",
    "History",
    "Membership",
    "MirrorResult",
    "MirrorUseCases",
    "NoUserGroups",
    "NotDelivered",
    "OpenedGroup",
    "OutboxPush",
    "PresenceResult",
    "RecordingSeen",
    "RecordingTarget",
    "RecordingUrlUseCases",
    "Revision",
    "SaveResult",
    "SecretRotated",
    "Sent",
    "ServiceOptions",
    "Services",
    "StorageAlert",
    "StorageDay",
    "StorageNotifier",
    "StorageReport",
    "UserGroupSource",
    "UserGroupUnreadable",
    "WorkspaceSettings",
    "percent_refusal",
    "storage_limit_refusal",
]
