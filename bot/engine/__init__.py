"""The domain: ring groups, their rules, the Kazoo compiler and decompiler, the simulator.

Imports nothing from Slack, SQLAlchemy or HTTP libraries; keeps no state; does no I/O.
"""

from bot.engine.compiler import CompileError, compile_group
from bot.engine.decompiler import decompile_account_group, decompile_group, stored_ring_timeout
from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import DecompileError, GroupDocuments, PbxIds, canonical_json
from bot.engine.lint import LintWarning, lint
from bot.engine.model import (
    CallerIdPrepend,
    CallRecording,
    Features,
    Group,
    Member,
    NextAction,
    NextActionKind,
    RecordingFormat,
    Ringback,
    RingbackKind,
    Strategy,
    distribute,
    distributed,
)
from bot.engine.simulator import (
    Answer,
    CallTrace,
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    Outcome,
    Scenario,
    SimulationError,
    simulate,
)
from bot.engine.validation import (
    GroupRejected,
    check_in_account,
    check_new_numbers,
    parse_group,
)

__all__ = [
    "Answer",
    "CallRecording",
    "CallTrace",
    "CallerIdPrepend",
    "CompileError",
    "DecompileError",
    "Directory",
    "DirectoryDevice",
    "DirectoryUser",
    "EndpointDirectory",
    "Features",
    "Group",
    "GroupDocuments",
    "GroupFact",
    "GroupRejected",
    "LintWarning",
    "Member",
    "MenuFact",
    "NextAction",
    "NextActionKind",
    "Outcome",
    "PbxIds",
    "RecordingFormat",
    "Ringback",
    "RingbackKind",
    "Scenario",
    "SimulationError",
    "Strategy",
    "UserFact",
    "canonical_json",
    "check_in_account",
    "check_new_numbers",
    "compile_group",
    "decompile_account_group",
    "decompile_group",
    "distribute",
    "distributed",
    "lint",
    "parse_group",
    "simulate",
    "stored_ring_timeout",
]
