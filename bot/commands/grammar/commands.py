"""What ``/group …`` means once parsed: one frozen dataclass per subcommand form.

A group is referred to by the text the user typed (a name, any case, or an extension);
the services resolve it. Users are ``UserRef``s: a Slack mention carries the user id, a
plain ``@alice`` typed in the shell carries only the label, for the shell to resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.engine.model import NextActionKind, RecordingFormat, RingbackKind


@dataclass(frozen=True)
class UserRef:
    """``<@U123|dana>`` → ``UserRef("U123", "dana")``; ``@dana`` → ``UserRef(None, "dana")``."""

    user_id: str | None
    label: str | None = None

    @property
    def display(self) -> str:
        """How to name the user in a reply when nothing better is known."""
        if self.user_id and not self.label:
            return f"<@{self.user_id}>"
        return f"@{self.label}"


@dataclass(frozen=True)
class Command:
    """Base of every parsed command; ``subcommand`` is the word after ``/group``."""

    subcommand: ClassVar[str]


@dataclass(frozen=True)
class Help(Command):
    subcommand: ClassVar[str] = "help"
    topic: str | None = None  # a subcommand name, already checked to exist


@dataclass(frozen=True)
class ListGroups(Command):
    subcommand: ClassVar[str] = "list"


@dataclass(frozen=True)
class Show(Command):
    subcommand: ClassVar[str] = "show"
    group: str


@dataclass(frozen=True)
class OpenCreateModal(Command):
    subcommand: ClassVar[str] = "create"


@dataclass(frozen=True)
class QuickCreate(Command):
    subcommand: ClassVar[str] = "create"
    name: str
    extension: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class Edit(Command):
    subcommand: ClassVar[str] = "edit"
    group: str


@dataclass(frozen=True)
class Rename(Command):
    subcommand: ClassVar[str] = "rename"
    group: str
    new_name: str


@dataclass(frozen=True)
class SetRepeats(Command):
    subcommand: ClassVar[str] = "repeats"
    group: str
    repeats: int


@dataclass(frozen=True)
class AddNumber(Command):
    subcommand: ClassVar[str] = "number"
    group: str
    number: str  # digits (an extension) or + then digits (a DID), separators removed


@dataclass(frozen=True)
class RemoveNumber(Command):
    subcommand: ClassVar[str] = "number"
    group: str
    number: str


@dataclass(frozen=True)
class OpenMembersModal(Command):
    subcommand: ClassVar[str] = "members"
    group: str


@dataclass(frozen=True)
class AddMembers(Command):
    subcommand: ClassVar[str] = "add"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class RemoveMembers(Command):
    subcommand: ClassVar[str] = "remove"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class Ring(Command):
    subcommand: ClassVar[str] = "ring"
    group: str
    user: UserRef
    start: int
    end: int


@dataclass(frozen=True)
class Distribute(Command):
    subcommand: ClassVar[str] = "distribute"
    group: str
    seconds: int | None = None  # None: the default window (120 s)


@dataclass(frozen=True)
class OpenFeaturesModal(Command):
    subcommand: ClassVar[str] = "features"
    group: str


@dataclass(frozen=True)
class SetRecording(Command):
    """``None`` options keep the group's current setting (or the default)."""

    subcommand: ClassVar[str] = "record"
    group: str
    enabled: bool
    format: RecordingFormat | None = None
    time_limit: int | None = None
    url: str | None = None
    to_groupbot: bool = False  # url=groupbot: groupbot's own recording endpoint


@dataclass(frozen=True)
class SetRingback(Command):
    subcommand: ClassVar[str] = "ringback"
    group: str
    kind: RingbackKind
    media: str | None = None  # the media file's name when kind is MEDIA


@dataclass(frozen=True)
class SetNextAction(Command):
    """``target`` names the box, device, menu or group; ``user`` is set for kind USER."""

    subcommand: ClassVar[str] = "next"
    group: str
    kind: NextActionKind
    target: str | None = None
    user: UserRef | None = None


@dataclass(frozen=True)
class SetForward(Command):
    subcommand: ClassVar[str] = "forward"
    group: str
    allow: bool


@dataclass(frozen=True)
class SetPrepend(Command):
    """``enabled=False`` is ``off``; otherwise at least one prefix is given (``None``: unset)."""

    subcommand: ClassVar[str] = "prepend"
    group: str
    enabled: bool
    name_prefix: str | None = None
    number_prefix: str | None = None


@dataclass(frozen=True)
class Delete(Command):
    subcommand: ClassVar[str] = "delete"
    group: str


@dataclass(frozen=True)
class History(Command):
    subcommand: ClassVar[str] = "history"
    group: str


@dataclass(frozen=True)
class Undo(Command):
    subcommand: ClassVar[str] = "undo"
    group: str


@dataclass(frozen=True)
class Answer:
    """``answer=@dana@15``: Dana picks up 15 s after the call arrives."""

    user: UserRef
    at: int


@dataclass(frozen=True)
class Simulate(Command):
    subcommand: ClassVar[str] = "simulate"
    group: str
    busy: tuple[UserRef, ...] = ()
    answer: Answer | None = None


@dataclass(frozen=True)
class ShowCallflow(Command):
    subcommand: ClassVar[str] = "callflow"
    group: str


@dataclass(frozen=True)
class Sync(Command):
    subcommand: ClassVar[str] = "sync"
    dry_run: bool = False


@dataclass(frozen=True)
class Drift(Command):
    subcommand: ClassVar[str] = "drift"


@dataclass(frozen=True)
class Adopt(Command):
    """Take over a ring group made on the PBX, by its name there."""

    subcommand: ClassVar[str] = "adopt"
    name: str


@dataclass(frozen=True)
class Storage(Command):
    subcommand: ClassVar[str] = "storage"


@dataclass(frozen=True)
class OpenSetupModal(Command):
    subcommand: ClassVar[str] = "setup"


@dataclass(frozen=True)
class AddLeads(Command):
    subcommand: ClassVar[str] = "lead"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class RemoveLeads(Command):
    subcommand: ClassVar[str] = "lead"
    group: str
    users: tuple[UserRef, ...]


# Every result of ``parse``, for exhaustive ``match`` statements in the handlers.
Parsed = (
    Help
    | ListGroups
    | Show
    | OpenCreateModal
    | QuickCreate
    | Edit
    | Rename
    | SetRepeats
    | AddNumber
    | RemoveNumber
    | OpenMembersModal
    | AddMembers
    | RemoveMembers
    | Ring
    | Distribute
    | OpenFeaturesModal
    | SetRecording
    | SetRingback
    | SetNextAction
    | SetForward
    | SetPrepend
    | Delete
    | History
    | Undo
    | Simulate
    | ShowCallflow
    | Sync
    | Drift
    | Adopt
    | Storage
    | OpenSetupModal
    | AddLeads
    | RemoveLeads
)
