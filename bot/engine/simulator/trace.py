"""What a simulation gives back: the rounds and their legs, the timed events, the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NOT_AVAILABLE_MEDIA = "system_media/vm-not_available_no_voicemail"

LegStatus = Literal["rang", "busy", "answered", "cancelled"]


@dataclass(frozen=True, slots=True)
class Leg:
    """One device rung in one round. Times are seconds after the call arrives."""

    round: int
    member: int  # position of the ring_group endpoint this leg came from
    user_id: str | None
    who: str
    device_id: str
    device_name: str
    start: float
    end: float  # == start for a busy leg
    status: LegStatus


@dataclass(frozen=True, slots=True)
class Skipped:
    """A member that produced no leg, and why."""

    member: int
    who: str
    reason: str


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    start: float
    end: float
    legs: tuple[Leg, ...]

    @property
    def answered(self) -> Leg | None:
        return next((leg for leg in self.legs if leg.status == "answered"), None)


Strategy = Literal["simultaneous", "single", "weighted_random"]


@dataclass(frozen=True, slots=True)
class RingSettings:
    strategy: Strategy
    timeout: int
    repeats: int
    ringback: str | None


@dataclass(frozen=True, slots=True)
class Destination:
    module: str
    target_id: str | None
    description: str
    user_id: str | None = None  # the PBX user the call goes to, when it goes to a user
    group: str | None = None  # the ring group's name, when it goes to a ring group

    @property
    def is_not_available_prompt(self) -> bool:
        return self.module == "play" and self.target_id == NOT_AVAILABLE_MEDIA


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class CallerIdPrefixed:
    at: float
    name: str  # what the ringing phones show
    number: str
    kind: Literal["caller_id_prefixed"] = "caller_id_prefixed"


@dataclass(frozen=True, slots=True)
class RecordingStarted:
    at: float
    format: str
    time_limit: int | None  # None: the system's limit
    kind: Literal["recording_started"] = "recording_started"


@dataclass(frozen=True, slots=True)
class RoundStarted:
    at: float
    round: int
    kind: Literal["round_started"] = "round_started"


@dataclass(frozen=True, slots=True)
class MemberSkipped:
    at: float
    round: int
    skipped: Skipped
    kind: Literal["member_skipped"] = "member_skipped"


@dataclass(frozen=True, slots=True)
class LegRinging:
    at: float
    leg: Leg
    kind: Literal["leg_ringing"] = "leg_ringing"


@dataclass(frozen=True, slots=True)
class LegBusy:
    at: float
    leg: Leg
    kind: Literal["leg_busy"] = "leg_busy"


@dataclass(frozen=True, slots=True)
class Answered:
    at: float
    leg: Leg
    kind: Literal["answered"] = "answered"


@dataclass(frozen=True, slots=True)
class RoundUnanswered:
    at: float
    round: int
    nobody_reachable: bool
    kind: Literal["round_unanswered"] = "round_unanswered"


@dataclass(frozen=True, slots=True)
class NextActionReached:
    at: float
    destination: Destination
    kind: Literal["next_action"] = "next_action"


@dataclass(frozen=True, slots=True)
class CallEnded:
    at: float
    kind: Literal["call_ended"] = "call_ended"


Event = (
    CallerIdPrefixed
    | RecordingStarted
    | RoundStarted
    | MemberSkipped
    | LegRinging
    | LegBusy
    | Answered
    | RoundUnanswered
    | NextActionReached
    | CallEnded
)

# ---------------------------------------------------------------- the whole call

OutcomeKind = Literal["answered", "next_action", "not_available", "hung_up"]


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    at: float
    answered_by: Leg | None = None
    destination: Destination | None = None


@dataclass(frozen=True, slots=True)
class CallTrace:
    name: str
    caller_name: str  # as the members' phones show it
    caller_number: str
    ring: RingSettings | None  # None when the flow never reached a ring_group
    rounds: tuple[Round, ...]
    skipped: tuple[Skipped, ...]
    events: tuple[Event, ...]
    outcome: Outcome
    notes: tuple[str, ...] = ()
