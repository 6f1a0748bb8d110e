"""One small class per aggregate over a ``Session``; queries in ``select()`` style.

Repositories add and change rows but never commit: the unit of work does. The rows they
hand out (``GroupRecord``, ``GroupRevisionRecord``, ``OutboxEntry``, ``PbxUser``,
``Workspace``) are exported here, so that the services name them without reaching into
the ORM.
"""

from bot.storage.models import GroupRecord, GroupRevisionRecord, OutboxEntry, PbxUser, Workspace
from bot.storage.repositories.directories import Directories
from bot.storage.repositories.groups import Groups, NumberHolder
from bot.storage.repositories.outbox import Outbox
from bot.storage.repositories.revisions import Revisions
from bot.storage.repositories.settings import PresenceSettings, Settings
from bot.storage.repositories.workspaces import Workspaces

__all__ = [
    "Directories",
    "GroupRecord",
    "GroupRevisionRecord",
    "Groups",
    "NumberHolder",
    "Outbox",
    "OutboxEntry",
    "PbxUser",
    "PresenceSettings",
    "Revisions",
    "Settings",
    "Workspace",
    "Workspaces",
]
