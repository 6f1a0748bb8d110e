"""One small class per aggregate over a ``Session``; queries in ``select()`` style.

Repositories add and change rows but never commit: the unit of work does.
"""

from bot.storage.repositories.directories import Directories
from bot.storage.repositories.groups import Groups, NumberHolder
from bot.storage.repositories.outbox import Outbox
from bot.storage.repositories.revisions import Revisions
from bot.storage.repositories.workspaces import Workspaces

__all__ = ["Directories", "Groups", "NumberHolder", "Outbox", "Revisions", "Workspaces"]
