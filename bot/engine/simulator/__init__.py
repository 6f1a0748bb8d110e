"""Call simulator: walk a group's Kazoo callflows and say who rings when, and where the call ends.

It reads the documents Kazoo runs (the userGroup callflow and the callflows it branches
to), not our group model, so groups adopted from SmartPBX are explained the same way as
the ones we compile. The rules follow docs/kazoo-smartpbx.md §c. Where the sources leave
a point open the code says "Choice:" and why.

- ``inputs``: the scenario and the account's endpoints the caller passes in;
- ``trace``: what comes back (rounds, legs, events, the outcome);
- ``walk``: the walk through the callflows, and where the call ends;
- ``endpoints``: the phones a ring_group's members ring;
- ``rounds``: one round's timing, simultaneous or one after another;
- ``answers``: which answer ends a round;
- ``chain``: a call that a next action sends on into other ring groups.
"""

from bot.engine.simulator.chain import ChainedCall, GroupCall, Loop, simulate_chain
from bot.engine.simulator.endpoints import DEFAULT_LEG_TIMEOUT, MAX_GROUP_NESTING
from bot.engine.simulator.inputs import (
    Answer,
    CallflowTarget,
    DirectoryDevice,
    DirectoryUser,
    Doc,
    EndpointDirectory,
    Scenario,
)
from bot.engine.simulator.rounds import DEFAULT_GROUP_TIMEOUT
from bot.engine.simulator.trace import (
    NOT_AVAILABLE_MEDIA,
    Answered,
    CallEnded,
    CallerIdPrefixed,
    CallTrace,
    Destination,
    Event,
    Leg,
    LegBusy,
    LegRinging,
    LegStatus,
    MemberSkipped,
    NextActionReached,
    Outcome,
    OutcomeKind,
    RecordingStarted,
    RingSettings,
    Round,
    RoundStarted,
    RoundUnanswered,
    Skipped,
    Strategy,
)
from bot.engine.simulator.walk import MAX_BRANCHES, MAX_RECORDING_S, SimulationError, simulate

__all__ = [
    "DEFAULT_GROUP_TIMEOUT",
    "DEFAULT_LEG_TIMEOUT",
    "MAX_BRANCHES",
    "MAX_GROUP_NESTING",
    "MAX_RECORDING_S",
    "NOT_AVAILABLE_MEDIA",
    "Answer",
    "Answered",
    "CallEnded",
    "CallTrace",
    "CallerIdPrefixed",
    "CallflowTarget",
    "ChainedCall",
    "Destination",
    "DirectoryDevice",
    "DirectoryUser",
    "Doc",
    "EndpointDirectory",
    "Event",
    "GroupCall",
    "Leg",
    "LegBusy",
    "LegRinging",
    "LegStatus",
    "Loop",
    "MemberSkipped",
    "NextActionReached",
    "Outcome",
    "OutcomeKind",
    "RecordingStarted",
    "RingSettings",
    "Round",
    "RoundStarted",
    "RoundUnanswered",
    "Scenario",
    "SimulationError",
    "Skipped",
    "Strategy",
    "simulate",
    "simulate_chain",
]
