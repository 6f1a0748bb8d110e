"""Which phones a ring_group's endpoints ring, with what delay and timeout (§c.2).

Members are processed in array order: users expand to their devices, groups to their
own endpoints; members that produce no leg are kept with the reason, for the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.clock_words import until_words
from bot.engine.presence import from_gregorian, moment_words
from bot.engine.simulator.inputs import (
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    Scenario,
    seconds,
)
from bot.engine.simulator.trace import RingSettings, Skipped

DEFAULT_LEG_TIMEOUT = 20
MAX_GROUP_NESTING = 10  # our own guard against group members that contain each other


@dataclass(frozen=True, slots=True)
class Target:
    """One phone a round will ring, and the member it came from."""

    member: int
    user_id: str | None
    who: str
    device: DirectoryDevice
    delay: int
    timeout: int  # 0: no leg timeout, the group timeout alone stops it

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids a scenario may name this phone by: the device's, and its owner's."""
        return (self.device.id,) if self.user_id is None else (self.device.id, self.user_id)


def resolve(
    endpoints: object, settings: RingSettings, directory: EndpointDirectory, scenario: Scenario
) -> tuple[list[Target], tuple[Skipped, ...]]:
    """Every phone the ring group rings, in ringing order, and the members that ring none."""
    targets: list[Target] = []
    skipped: list[Skipped] = []
    expand = _Expander(settings, directory, scenario)
    for index, member in enumerate(endpoints if isinstance(endpoints, list) else []):
        found, reason = expand.member(index, member, 0)
        if found:
            targets.extend(found)
        else:
            skipped.append(Skipped(index, member_label(member, directory), reason))
    # cf_ring_group drops repeats of (device, delay, timeout), keeping the first.
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for target in targets:
        key = (target.device.id, target.delay, target.timeout)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    if settings.strategy == "simultaneous":
        unique.sort(key=lambda target: target.delay)  # stable, as Kazoo's sort
    return unique, tuple(skipped)


def member_label(member: object, directory: EndpointDirectory) -> str:
    """A ring_group endpoint as people know it: the user's or device's name, else its id."""
    if not isinstance(member, Mapping):
        return str(member)
    return who_is(str(member.get("id", "?")), directory)


def who_is(endpoint_id: str, directory: EndpointDirectory) -> str:
    """The name of a user, device or group id, or the id itself when nobody knows it."""
    if endpoint_id in directory.users:
        return directory.users[endpoint_id].name
    found = directory.device(endpoint_id)
    if found is not None:
        device, owner = found
        return owner.name if owner else device.name or device.id
    group = directory.groups.get(endpoint_id)
    return str(group.get("name", endpoint_id)) if group else endpoint_id


@dataclass(frozen=True, slots=True)
class _Expander:
    settings: RingSettings
    directory: EndpointDirectory
    scenario: Scenario

    def member(self, index: int, member: object, depth: int) -> tuple[list[Target], str]:
        """The legs one member produces, or none and the reason."""
        if not isinstance(member, Mapping) or not member.get("id"):
            return [], "is not a valid member entry"
        now, until = self.scenario.now, seconds(member.get("disable_until"), 0)
        if now is not None and until > now:
            return [], _paused(until, now, self.scenario.time_zone)
        member_id, kind = str(member["id"]), member.get("endpoint_type", "device")
        delay = max(0, seconds(member.get("delay"), 0))
        timeout = max(0, seconds(member.get("timeout"), DEFAULT_LEG_TIMEOUT))
        if kind == "group":
            return self.group(index, member_id, delay, timeout, depth)
        pairs: list[tuple[DirectoryDevice, DirectoryUser | None]]
        if kind == "user":
            user = self.directory.users.get(member_id)
            if user is None:
                return [], "is not a known user"
            if not user.devices:
                return [], "has no device"
            pairs = [(device, user) for device in user.devices]
        elif kind == "device":
            found = self.directory.device(member_id)
            if found is None:
                return [], "is not a known device"
            pairs = [found]
        else:
            return [], f"has an unsupported endpoint_type {kind!r}"
        reasons: list[str] = []
        targets = []
        for device, owner in pairs:
            if (reason := self.unreachable(device, owner)) is not None:
                reasons.append(reason)
                continue
            who = owner.name if owner else device.name or device.id
            owner_id = owner.id if owner else None
            targets.append(Target(index, owner_id, who, device, delay, timeout))
        return targets, ", ".join(dict.fromkeys(reasons))

    def unreachable(self, device: DirectoryDevice, owner: DirectoryUser | None) -> str | None:
        # kz_endpoint:build produces no leg for these devices.
        ids = (device.id, owner.id) if owner else (device.id,)
        if not device.enabled:
            return "has the phone disabled"
        if device.do_not_disturb or (owner and owner.do_not_disturb):
            return "is on do-not-disturb"
        if any(i in self.scenario.do_not_disturb for i in ids):
            return "is on do-not-disturb"
        if self.scenario.caller_id is not None and self.scenario.caller_id in ids:
            return "is the caller"
        return None

    def group(
        self, index: int, group_id: str, delay: int, timeout: int, depth: int
    ) -> tuple[list[Target], str]:
        group = self.directory.groups.get(group_id)
        if group is None or depth >= MAX_GROUP_NESTING:
            return [], "is not a known group"
        entries = list((group.get("endpoints") or {}).items())
        if self.settings.strategy != "simultaneous":
            # for single, Kazoo keeps only the group's weighted endpoints, by weight
            weighted = [e for e in entries if isinstance(e[1], Mapping) and "weight" in e[1]]
            entries = sorted(weighted, key=lambda e: seconds(e[1]["weight"], 20))
        targets: list[Target] = []
        for endpoint_id, endpoint in entries:
            if not isinstance(endpoint, Mapping):
                continue
            # the group entry's own delay/timeout win; the member's fill the gaps
            sub = {
                "id": endpoint_id,
                "endpoint_type": endpoint.get("type", "device"),
                "delay": endpoint.get("delay", delay),
                "timeout": endpoint.get("timeout", timeout),
            }
            found, _ = self.member(index, sub, depth + 1)
            targets.extend(found)
        return targets, "" if targets else "is a group with nobody reachable"


def _paused(until: int, now: int, time_zone: str | None) -> str:
    """Why a member is not rung: until when, on the reader's clock when the scenario
    knows it, else in UTC, said so."""
    try:
        moment = from_gregorian(until)
        if time_zone is None:
            return f"paused until {moment_words(moment)}"
        return f"paused until {until_words(moment, from_gregorian(now), time_zone)} your time"
    except (ValueError, OverflowError, OSError):  # a disable_until before year 1 or past 9999
        return "paused"
