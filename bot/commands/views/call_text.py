"""A simulated call as monospace text for a Slack section: one bar per member per round.

Slack caps a section's text at 3000 characters, so identical rounds are folded into one
line, then bars get narrower, then rows are cut, and the final destination always stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.commands.views.common import escape
from bot.engine.simulator import (
    Answered,
    CallEnded,
    CallerIdPrefixed,
    CallTrace,
    ChainedCall,
    Event,
    Leg,
    LegBusy,
    LegRinging,
    Loop,
    MemberSkipped,
    NextActionReached,
    Outcome,
    RecordingStarted,
    Round,
    RoundStarted,
    RoundUnanswered,
)

SLACK_SECTION_LIMIT = 3000
FENCE = "```"
RING, QUIET, BUSY = "█", "░", "x"
NAME_WIDTH = 14
BAR_WIDTHS = (24, 16, 10)  # most cells per bar; narrower bars when space runs out
NICE_STEPS = (1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 600)  # seconds per cell


def render_text(
    trace: CallTrace, *, max_chars: int = SLACK_SECTION_LIMIT, outcome: str | None = None
) -> str:
    """The whole timeline as one fenced code block of at most ``max_chars`` characters;
    ``outcome`` in place of the line that says where the call ends."""
    head = _header(trace)
    foot = [render_outcome(trace.outcome) if outcome is None else outcome]
    budget = max_chars - len(FENCE) * 2 - 2
    for width in BAR_WIDTHS:
        body = _body(trace, width)
        if _size(head + body + foot) <= budget:
            return _fenced(head + body + foot)
    return _fenced(_fit(head, _body(trace, BAR_WIDTHS[-1]), foot, budget))


def render_chain_text(call: ChainedCall, *, max_chars: int = SLACK_SECTION_LIMIT) -> str:
    """Every group the call goes through, one timeline after the other, in one fenced
    block of at most ``max_chars`` characters (each group gets an equal share)."""
    parts = call.parts
    if len(parts) == 1 and call.loop is None:
        return render_text(parts[0], max_chars=max_chars)
    share = (max_chars - len(FENCE) * 2 - 2) // len(parts) - 1
    bodies = [
        _unfenced(render_text(part, max_chars=share + len(FENCE) * 2 + 2, outcome=foot))
        for part, foot in zip(parts, _part_outcomes(call), strict=True)
    ]
    return _fenced(["\n\n".join(bodies)])


def chain_outcome(call: ChainedCall) -> str:
    """Where the call ends, in one line, after every group it went through."""
    return _part_outcomes(call)[-1]


def chain_outcome_mrkdwn(call: ChainedCall, slack_users: Mapping[str, str]) -> str:
    """``chain_outcome`` as Slack mrkdwn; a PBX user the call ends at is a mention when
    ``slack_users`` (PBX user id → Slack user id) has them."""
    outcome = call.outcome
    destination = outcome.destination
    user = destination.user_id if destination is not None and call.loop is None else None
    if user is not None and user in slack_users:
        at = _s(outcome.at)
        return f"→ {at} s: no answer; the call goes to <@{slack_users[user]}>"
    return escape(chain_outcome(call))


def _part_outcomes(call: ChainedCall) -> list[str]:
    lines = [render_outcome(part.outcome) for part in call.parts]
    if call.loop is not None:
        lines[-1] = _loop_words(call.loop)
    return lines


def _loop_words(loop: Loop) -> str:
    back = (
        f"{loop.source}'s next action is {loop.source} itself"
        if loop.source == loop.to
        else f"{loop.source}'s next action goes back to {loop.to}"
    )
    return f"→ {_s(loop.at)} s: no answer; {back}: the call would loop; it stops here"


def _unfenced(text: str) -> str:
    return text.removeprefix(FENCE + "\n").removesuffix("\n" + FENCE)


def describe_event(event: Event) -> str:
    """One line of the call's step-by-step log, e.g. ``12 s  alice answers (desk)``."""
    return f"{_s(event.at):>6}  {_event_text(event)}"


# ---------------------------------------------------------------- header and footer


def _header(trace: CallTrace) -> list[str]:
    lines = [trace.name or "Ring group"]
    if trace.ring is not None:
        rounds = "1 round" if trace.ring.repeats == 1 else f"{trace.ring.repeats} rounds"
        lines.append(f"{trace.ring.strategy} · group timeout {trace.ring.timeout} s · {rounds}")
    for event in trace.events:
        if isinstance(event, CallerIdPrefixed | RecordingStarted):
            lines.append(_event_text(event))
    if trace.skipped:
        lines.append("Not rung: " + ", ".join(f"{s.who} ({s.reason})" for s in trace.skipped))
    lines.extend(f"Note: {note}" for note in trace.notes)
    return lines


def render_outcome(outcome: Outcome) -> str:
    """Where the call ends, in one line: ``→ 240 s: no answer; the call goes to …``."""
    if outcome.kind == "answered" and outcome.answered_by is not None:
        return f"→ {_s(outcome.at)} s: answered by {outcome.answered_by.who}"
    if outcome.destination is not None:
        return (
            f"→ {_s(outcome.at)} s: no answer; the call goes to {outcome.destination.description}"
        )
    return f"→ {_s(outcome.at)} s: no answer; the call hangs up"


# ---------------------------------------------------------------- rounds


def _body(trace: CallTrace, max_cells: int) -> list[str]:
    if not trace.rounds:
        return []
    scale = max((r.end - r.start for r in trace.rounds), default=0.0)
    scale = max(scale, float(trace.ring.timeout if trace.ring else 0), 1.0)
    step = next((s for s in NICE_STEPS if scale / s <= max_cells), _ceil(scale / max_cells))
    width = _ceil(scale / step)
    lines = [f"Scale: one bar = {_s(width * step)} s of a round, {RING} = {_s(step)} s"]
    names = _name_width(trace.rounds)
    previous: tuple[object, ...] | None = None
    folded: list[Round] = []
    for rnd in trace.rounds:
        shape = _shape(rnd)
        if shape == previous and rnd.answered is None:
            folded.append(rnd)
            continue
        lines.extend(_folded(folded))
        folded = []
        lines.extend(_round_lines(rnd, step, width, names))
        previous = shape
    lines.extend(_folded(folded))
    return lines


def _shape(rnd: Round) -> tuple[object, ...]:
    """What a round looks like relative to its own start, to spot repeats."""
    length = rnd.end - rnd.start
    legs = tuple((g.who, g.start - rnd.start, g.end - rnd.start, g.status) for g in rnd.legs)
    return (length, legs)


def _folded(rounds: list[Round]) -> list[str]:
    if not rounds:
        return []
    first, last = rounds[0], rounds[-1]
    which = f"Round {first.number}" if first is last else f"Rounds {first.number}–{last.number}"
    span = f"{_s(first.start)}–{_s(last.end)} s"
    return [f"{which} · {span}: same as round {first.number - 1}"]


def _round_lines(rnd: Round, step: float, width: int, names: int) -> list[str]:
    lines = [f"Round {rnd.number} · {_s(rnd.start)}–{_s(rnd.end)} s"]
    if not rnd.legs:
        lines.append("  nobody can be reached: the group gives up at once")
    for who, legs in _by_person(rnd.legs):
        label = who if len(who) <= names else who[: names - 1] + "…"
        bar = _bar(legs, rnd.start, step, width)
        lines.append(f"{label:<{names}} ▕{bar}▏ {_windows(legs)}")
    return lines


def _by_person(legs: Iterable[Leg]) -> list[tuple[str, list[Leg]]]:
    rows: dict[str, list[Leg]] = {}
    for leg in sorted(legs, key=lambda g: g.member):
        rows.setdefault(leg.who, []).append(leg)
    return list(rows.items())


def _bar(legs: list[Leg], origin: float, step: float, width: int) -> str:
    cells = [QUIET] * width
    for leg in legs:
        first = min(int((leg.start - origin) / step), width - 1)
        if leg.status == "busy":
            cells[first] = BUSY
            continue
        last = max(first, min(width - 1, _ceil((leg.end - origin) / step) - 1))
        cells[first : last + 1] = [RING] * (last - first + 1)
    return "".join(cells)


def _windows(legs: list[Leg]) -> str:
    parts = []
    for leg in legs:
        if leg.status == "busy":
            parts.append(f"busy at {_s(leg.start)} s")
        elif leg.status == "answered":
            parts.append(f"{_s(leg.start)} s, answers at {_s(leg.end)} s")
        else:
            parts.append(f"{_s(leg.start)}–{_s(leg.end)} s")
    return ", ".join(dict.fromkeys(parts))  # several phones of one member often match


def _name_width(rounds: Iterable[Round]) -> int:
    longest = max((len(leg.who) for r in rounds for leg in r.legs), default=4)
    return min(longest, NAME_WIDTH)


# ---------------------------------------------------------------- size


def _fit(head: list[str], body: list[str], foot: list[str], budget: int) -> list[str]:
    """Drop body lines from the end until everything fits; say how many went."""
    kept = list(body)
    reserve = f"… {len(body)} more lines not shown"
    while kept and _size([*head, *kept, reserve, *foot]) > budget:
        kept.pop()
    cut = len(body) - len(kept)
    more = [f"… {cut} more lines not shown"] if cut else []
    lines = [*head, *kept, *more, *foot]
    while _size(lines) > budget and len(lines) > 1:
        lines.pop(0)  # only a huge header can get here; the outcome line matters most
    return lines


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _fenced(lines: list[str]) -> str:
    return "\n".join([FENCE, *lines, FENCE])


# ---------------------------------------------------------------- words


def _event_text(event: Event) -> str:
    match event:
        case CallerIdPrefixed(name=name, number=number):
            return f"Members see the caller as: {name}" + (f" <{number}>" if number else "")
        case RecordingStarted(format=fmt, time_limit=limit):
            upto = "the system limit" if limit is None else f"{limit} s"
            return f"Recording starts ({fmt}, up to {upto})"
        case RoundStarted(round=n):
            return f"round {n} starts"
        case MemberSkipped(skipped=s):
            return f"{s.who} {s.reason}: not rung"
        case LegRinging(leg=leg):
            return f"{leg.who} rings{_on(leg)} until {_s(leg.end)} s"
        case LegBusy(leg=leg):
            return f"{leg.who} is busy{_on(leg)}"
        case Answered(leg=leg):
            return f"{leg.who} answers{_on(leg)}"
        case RoundUnanswered(round=n, nobody_reachable=nobody):
            return f"round {n}: nobody can be reached" if nobody else f"round {n}: no answer"
        case NextActionReached(destination=d):
            return f"the call goes to {d.description}"
        case CallEnded():
            return "the call hangs up"


def _on(leg: Leg) -> str:
    return f" on {leg.device_name}" if leg.device_name else ""


def _s(seconds: float) -> str:
    return f"{seconds:.1f}".removesuffix(".0")


def _ceil(value: float) -> int:
    whole = int(value)
    return whole if whole == value else whole + 1
