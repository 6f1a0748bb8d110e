"""What a simulation reads besides the callflows: the account's endpoints and the scenario.

Also how a value of a Kazoo document is read as seconds, as Kazoo itself reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Doc = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DirectoryDevice:
    id: str
    name: str = ""
    enabled: bool = True
    do_not_disturb: bool = False


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    id: str
    name: str
    devices: tuple[DirectoryDevice, ...] = ()
    do_not_disturb: bool = False  # Kazoo merges the user's DND into each of its devices


@dataclass(frozen=True, slots=True)
class CallflowTarget:
    """What a callflow a next action branches to is, as the user knows it: a user's own
    callflow, a menu's, or another ring group's userGroup callflow."""

    kind: Literal["user", "menu", "group"]
    name: str
    user_id: str | None = None  # the PBX user, for a user's callflow


@dataclass(frozen=True)
class EndpointDirectory:
    """The account's endpoints as the ring group sees them during the call.

    ``devices`` holds devices that belong to none of ``users`` (device members of adopted
    groups); ``groups`` holds Kazoo group documents for ``endpoint_type: group`` members;
    ``labels`` names next-action targets (voicemail boxes, media) by id;
    ``callflow_targets`` says whose callflow a next action branches to, by callflow id.
    """

    users: Mapping[str, DirectoryUser] = field(default_factory=dict)
    devices: Mapping[str, DirectoryDevice] = field(default_factory=dict)
    groups: Mapping[str, Doc] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    callflow_targets: Mapping[str, CallflowTarget] = field(default_factory=dict)
    _owned: dict[str, tuple[DirectoryDevice, DirectoryUser]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        owned = {d.id: (d, u) for u in self.users.values() for d in u.devices}
        object.__setattr__(self, "_owned", owned)

    @classmethod
    def of(
        cls,
        users: Iterable[DirectoryUser],
        devices: Iterable[DirectoryDevice] = (),
        *,
        groups: Mapping[str, Doc] | None = None,
        labels: Mapping[str, str] | None = None,
        callflow_targets: Mapping[str, CallflowTarget] | None = None,
    ) -> EndpointDirectory:
        return cls(
            users={u.id: u for u in users},
            devices={d.id: d for d in devices},
            groups=groups or {},
            labels=labels or {},
            callflow_targets=callflow_targets or {},
        )

    def device(self, device_id: str) -> tuple[DirectoryDevice, DirectoryUser | None] | None:
        if device_id in self._owned:
            return self._owned[device_id]
        if device_id in self.devices:
            return self.devices[device_id], None
        return None


@dataclass(frozen=True, slots=True)
class Answer:
    who: str  # a PBX user id, or a device id
    at: float  # seconds after the call arrives


@dataclass(frozen=True)
class Scenario:
    """What happens during the simulated call. Ids are PBX user ids or device ids."""

    caller_name: str = "Caller"
    caller_number: str = ""
    busy: frozenset[str] = frozenset()  # busy for the whole call
    busy_in_round: Mapping[int, frozenset[str]] = field(default_factory=dict)
    do_not_disturb: frozenset[str] = frozenset()
    answers: tuple[Answer, ...] = ()  # nobody answers by default
    caller_id: str | None = None  # the calling user/device: Kazoo does not ring its own phones
    now: int | None = None  # Gregorian seconds; members whose disable_until is later drop out
    # the reader's (Slack's ``tz``), for the moments the trace names; None: UTC, said so
    time_zone: str | None = None

    def is_busy(self, round_no: int, ids: tuple[str, ...]) -> bool:
        in_round = self.busy_in_round.get(round_no, frozenset())
        return any(i in self.busy or i in in_round for i in ids)


def seconds(value: object, default: int) -> int:
    """A delay, timeout, repeat count or time limit as Kazoo reads it.

    SmartPBX first writes delay/timeout (and time_limit) as strings; Kazoo's non-strict
    validation turns them into integers, so we do the same.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except ValueError:
            return default
    return default
