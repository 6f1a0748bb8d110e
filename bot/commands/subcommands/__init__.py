"""Every ``/group`` subcommand, one module per family: each holds, together, its command
dataclasses, its readers, its help ``Spec``s and its handlers (``base.Subcommand``).

``FAMILIES`` is the one register: the parser's readers, the help overview (in this
order), the slash command's dispatch and the forms it opens all come from it. A new
subcommand is a module (or an entry in one) and, for a new module, a line here.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

from bot.commands.grammar.commands import Command, UserRef
from bot.commands.subcommands import (
    create,
    delete,
    features,
    history,
    leads,
    members,
    mirror,
    pause,
    pbx,
    read,
    restore,
    selfservice,
    settings,
    setup,
    simulate,
    storage,
)
from bot.commands.subcommands import help as help_
from bot.commands.subcommands.base import Handler, Opens, Posts, Replies, Spec, Subcommand
from bot.commands.subcommands.create import OpenCreateModal, QuickCreate
from bot.commands.subcommands.delete import Delete
from bot.commands.subcommands.features import (
    OpenFeaturesModal,
    SetForward,
    SetNextAction,
    SetPrepend,
    SetRecording,
    SetRingback,
)
from bot.commands.subcommands.help import Help
from bot.commands.subcommands.history import History, Undo
from bot.commands.subcommands.leads import AddLeads, RemoveLeads
from bot.commands.subcommands.members import (
    AddMembers,
    Distribute,
    OpenMembersModal,
    RemoveMembers,
    Ring,
)
from bot.commands.subcommands.pause import Pause, Resume
from bot.commands.subcommands.pbx import Adopt, Drift, ShowCallflow, Sync
from bot.commands.subcommands.read import ListGroups, Show
from bot.commands.subcommands.selfservice import Join, Leave, SelfService
from bot.commands.subcommands.settings import AddNumber, Edit, RemoveNumber, Rename, SetRepeats
from bot.commands.subcommands.setup import OpenSetupModal
from bot.commands.subcommands.simulate import Answer, Simulate
from bot.commands.subcommands.storage import Storage

FAMILIES = (
    help_,
    read,
    create,
    settings,
    members,
    features,
    delete,
    history,
    restore,
    simulate,
    pbx,
    storage,
    setup,
    leads,
    pause,
    selfservice,
    mirror,
)

# Every subcommand by its word, in the order the help lists them.
REGISTERED: dict[str, Subcommand] = {
    subcommand.spec.name: subcommand for family in FAMILIES for subcommand in family.SUBCOMMANDS
}

HANDLERS: dict[type[Command], Handler] = {
    kind: handler
    for subcommand in REGISTERED.values()
    for kind, handler in subcommand.handlers.items()
}

# What ``parse`` returns. For the type checker, a ``Command``; at run time, the union of
# every registered dataclass (``typing.get_args(Parsed)``), built from the register
# rather than written out again.
if TYPE_CHECKING:
    Parsed = Command
else:
    Parsed = functools.reduce(operator.or_, HANDLERS)


def handler_of(command: Command) -> Handler:
    return HANDLERS[type(command)]


__all__ = [
    "FAMILIES",
    "HANDLERS",
    "REGISTERED",
    "AddLeads",
    "AddMembers",
    "AddNumber",
    "Adopt",
    "Answer",
    "Command",
    "Delete",
    "Distribute",
    "Drift",
    "Edit",
    "Handler",
    "Help",
    "History",
    "Join",
    "Leave",
    "ListGroups",
    "OpenCreateModal",
    "OpenFeaturesModal",
    "OpenMembersModal",
    "OpenSetupModal",
    "Opens",
    "Parsed",
    "Pause",
    "Posts",
    "QuickCreate",
    "RemoveLeads",
    "RemoveMembers",
    "RemoveNumber",
    "Rename",
    "Replies",
    "Resume",
    "Ring",
    "SelfService",
    "SetForward",
    "SetNextAction",
    "SetPrepend",
    "SetRecording",
    "SetRepeats",
    "SetRingback",
    "Show",
    "ShowCallflow",
    "Simulate",
    "Spec",
    "Storage",
    "Subcommand",
    "Sync",
    "Undo",
    "UserRef",
    "handler_of",
]
