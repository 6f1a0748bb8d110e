"""The walk through the callflows, as cf_exe runs them (§c.1), and where the call ends."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.simulator.answers import cut_at_answer, first_answer, missed_answers
from bot.engine.simulator.endpoints import Target, resolve
from bot.engine.simulator.inputs import (
    CallflowTarget,
    Doc,
    EndpointDirectory,
    Scenario,
    seconds,
)
from bot.engine.simulator.rounds import plan, ring_settings
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
)

MAX_RECORDING_S = 10800  # media.max_recording_time_limit default
MAX_BRANCHES = 50  # cf_exe max_branch_count


class SimulationError(ValueError):
    """The documents cannot be walked (a missing callflow, a branch loop)."""


def simulate(
    user_callflow: Doc,
    callflows: Mapping[str, Doc],
    directory: EndpointDirectory,
    scenario: Scenario | None = None,
    *,
    start: float = 0.0,
) -> CallTrace:
    """Run one call into ``user_callflow`` (the callflow holding the numbers).

    Args:
        callflows: callflow documents by id; ``callflow`` nodes branch through it, so
            it must hold at least the baseGroup callflow.
        start: seconds after the call arrived, when it reaches this callflow (a group
            that another group's next action sends the call to).
    """
    run = _Run(callflows, directory, scenario or Scenario())
    run.t = start
    run.walk(user_callflow.get("flow"))
    return run.trace(str(user_callflow.get("name", "")))


_PASS_THROUGH = {"prepend_cid", "record_call", "callflow", "ring_group"}


class _Run:
    def __init__(self, callflows: Mapping[str, Doc], directory: EndpointDirectory, s: Scenario):
        self.callflows, self.directory, self.scenario = callflows, directory, s
        self.t = 0.0
        self.events: list[Event] = []
        self.rounds: list[Round] = []
        self.endpoints: list[object] = []  # the ring_group's, as the document has them
        self.targets: list[Target] = []
        self.skipped: tuple[Skipped, ...] = ()
        self.notes: list[str] = []
        self.ring: RingSettings | None = None
        self.name_prefix = self.number_prefix = ""
        self.outcome = Outcome("hung_up", 0.0)

    def walk(self, flow: Doc | None) -> None:
        # cf_exe: `continue` takes the `_` child; a missing `_` is a `stop`, and `stop`
        # pops the branch stack. After the ring group gives up, whatever runs next is
        # the next action, and our simulation ends there.
        node, branches = flow, 0
        stack: list[Doc] = []
        while True:
            if node is None and stack:
                node = stack.pop()
            if node is None:
                self.events.append(CallEnded(self.t))
                self.outcome = Outcome("hung_up", self.t)
                return
            module, data = str(node.get("module", "")), node.get("data") or {}
            if data.get("skip_module") is True:  # cf_exe runs its `_` child instead
                node = _child(node)
            elif self.ring is not None or module not in _PASS_THROUGH:
                self._reach(module, data)
                return
            elif module == "callflow":
                branches += 1
                if branches > MAX_BRANCHES:
                    raise SimulationError(f"more than {MAX_BRANCHES} callflow branches")
                if (child := _child(node)) is not None:
                    stack.append(child)
                node = self._branch(data.get("id"))
            elif module == "ring_group":
                if self._ring_group(data):
                    return
                node = _child(node)
            elif module == "prepend_cid":
                self._prepend(data)
                node = _child(node)
            else:
                self._record(data)
                node = _child(node)

    def _branch(self, callflow_id: object) -> Doc | None:
        target = self.callflows.get(str(callflow_id))
        if target is None:
            raise SimulationError(f"callflow {callflow_id} is not among the loaded callflows")
        flow: Doc | None = target.get("flow")
        return flow

    def _prepend(self, data: Doc) -> None:
        # cf_prepend_cid: `current` (default) puts the new prefix before any earlier one,
        # `original` replaces it, action `reset` clears both.
        if data.get("action") == "reset":
            self.name_prefix = self.number_prefix = ""
            return
        name, number = (
            str(data.get("caller_id_name_prefix", "")),
            str(data.get("caller_id_number_prefix", "")),
        )
        if data.get("apply_to") == "original":
            self.name_prefix, self.number_prefix = name, number
        else:
            self.name_prefix, self.number_prefix = (
                name + self.name_prefix,
                number + self.number_prefix,
            )
        self.events.append(CallerIdPrefixed(self.t, *self._caller_id()))

    def _caller_id(self) -> tuple[str, str]:
        s = self.scenario
        return self.name_prefix + s.caller_name, self.number_prefix + s.caller_number

    def _record(self, data: Doc) -> None:
        if data.get("action") == "stop":
            self.notes.append("record_call stop before the ring group: nothing is recorded")
            return
        fmt = data.get("format")
        limit = data.get("time_limit")
        self.events.append(
            RecordingStarted(
                self.t,
                fmt if fmt in ("mp3", "wav") else "mp3",
                None if limit is None else min(seconds(limit, MAX_RECORDING_S), MAX_RECORDING_S),
            )
        )

    def _reach(self, module: str, data: Doc) -> None:
        destination = _describe(module, data, self.callflows, self.directory)
        self.events.append(NextActionReached(self.t, destination))
        kind: OutcomeKind = (
            "not_available" if destination.is_not_available_prompt else "next_action"
        )
        self.outcome = Outcome(kind, self.t, destination=destination)

    def _ring_group(self, data: Doc) -> bool:
        """Run every round; True when someone answered (the call is then over)."""
        self.ring = settings = ring_settings(data)
        if settings.strategy == "weighted_random":
            self.notes.append("weighted_random shuffles members by weight; shown in member order")
        # Kazoo re-resolves endpoints each round; nothing in our inputs changes during a
        # call, so one resolution serves every round (busy is applied per round below).
        endpoints = data.get("endpoints")
        self.endpoints = endpoints if isinstance(endpoints, list) else []
        targets, self.skipped = resolve(self.endpoints, settings, self.directory, self.scenario)
        self.targets = targets
        for number in range(1, settings.repeats + 1):
            start = self.t
            self.events.append(RoundStarted(start, number))
            self.events.extend(MemberSkipped(start, number, s) for s in self.skipped)
            if not targets:  # no endpoints: `continue` at once, no further rounds
                self.rounds.append(Round(number, start, start, ()))
                self.events.append(RoundUnanswered(start, number, nobody_reachable=True))
                return False
            legs, length = plan(targets, settings, number, start, self.scenario)
            if self._settle_round(number, start, legs, length):
                return True
        return False

    def _settle_round(self, number: int, start: float, legs: list[Leg], length: float) -> bool:
        answer = first_answer(legs, self.scenario.answers, start, start + length)
        if answer is not None:
            legs = cut_at_answer(legs, *answer)
        self.events.extend(
            LegBusy(leg.start, leg) if leg.status == "busy" else LegRinging(leg.start, leg)
            for leg in sorted(legs, key=lambda leg: leg.start)
        )
        end = start + length if answer is None else answer[0]
        self.rounds.append(Round(number, start, end, tuple(legs)))
        self.t = end
        if answer is None:
            self.events.append(RoundUnanswered(end, number, nobody_reachable=False))
            return False
        # An answered call is the end of the call. Kazoo may still run the stacked next
        # action if the member hangs up first (§c.4, unverified); we never show that.
        winner = legs[answer[1]]
        self.events.append(Answered(end, winner))
        self.outcome = Outcome("answered", end, answered_by=winner)
        return True

    def trace(self, name: str) -> CallTrace:
        caller_name, caller_number = self._caller_id()
        missed = missed_answers(
            self.scenario.answers,
            tuple(self.rounds),
            self.targets,
            self.skipped,
            self.endpoints,
            self.outcome,
            self.directory,
        )
        return CallTrace(
            name=name,
            caller_name=caller_name,
            caller_number=caller_number,
            ring=self.ring,
            rounds=tuple(self.rounds),
            skipped=self.skipped,
            events=tuple(self.events),
            outcome=self.outcome,
            notes=(*self.notes, *missed),
        )


def _child(node: Doc) -> Doc | None:
    child: Doc | None = (node.get("children") or {}).get("_")
    return child


# ---------------------------------------------------------------- destinations


def _describe(
    module: str, data: Doc, callflows: Mapping[str, Doc], directory: EndpointDirectory
) -> Destination:
    target = data.get("id")
    target_id = str(target) if target is not None else None
    label = directory.labels.get(target_id or "", target_id or "?")
    if module == "play":
        if target_id == NOT_AVAILABLE_MEDIA:
            return Destination(module, target_id, "the “not available” prompt, then hang up")
        return Destination(module, target_id, f"plays {label}, then hang up")
    if module == "voicemail":
        return Destination(module, target_id, f"voicemail box {label}")
    if module == "user":
        user = directory.users.get(target_id or "")
        words = f"user {user.name if user else label}"
        return Destination(module, target_id, words, user_id=target_id)
    if module == "device":
        found = directory.device(target_id or "")
        name = (found[0].name or found[0].id) if found else label
        return Destination(module, target_id, f"device {name}")
    if module == "callflow":
        known = directory.callflow_targets.get(target_id or "")
        if known is not None:
            group = known.name if known.kind == "group" else None
            words = _target_words(known)
            return Destination(module, target_id, words, user_id=known.user_id, group=group)
        return Destination(module, target_id, _describe_callflow(target_id, callflows, label))
    return Destination(module, target_id, f"{module} {label}" if target_id else module)


def _target_words(target: CallflowTarget) -> str:
    if target.kind == "menu":
        return f"the menu {target.name}"
    return f"{target.kind} {target.name}"


def _describe_callflow(callflow_id: str | None, callflows: Mapping[str, Doc], label: str) -> str:
    doc = callflows.get(callflow_id or "")
    if doc is None:
        return f"callflow {label}"
    name = str(doc.get("name") or label)
    kind, numbers = doc.get("type"), doc.get("numbers") or []
    if kind == "userGroup":
        return f"group {name}"
    if kind == "mainUserCallflow":
        return f"user {name}"
    if numbers and numbers[0] == "MainOpenHoursMenu":
        return "the main menu"
    return f"callflow {name}"
