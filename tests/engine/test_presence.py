"""Pauses in the engine: the ring_group's disable_until written and read back, the
simulator skipping a paused member until then and not after, the words history shows,
and how long a pause typed in Slack lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from bot.engine import edits
from bot.engine import simulator as sim
from bot.engine.changes import describe_change
from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.directory import Directory, UserFact
from bot.engine.documents import PbxIds
from bot.engine.errors import FieldErrors
from bot.engine.model import Group, Member, distributed
from bot.engine.presence import GREGORIAN_OFFSET, pause_end, to_gregorian
from tests.kazoo_schemas import validate_callflow

ALICE, BOB = "a" * 32, "b" * 32
IDS = PbxIds(
    group_id="g" * 32,
    base_callflow_id="c" * 32,
    user_callflow_id="u" * 32,
    base_number="Q7x2Lm9K",
)
NAMES = {ALICE: "Alice Smith", BOB: "Bob Jones"}
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def sales() -> Group:
    return Group(
        name="Sales", extension="201", members=(Member(user_id=ALICE), Member(user_id=BOB))
    )


def directory() -> Directory:
    return Directory(users={u: UserFact(name=n) for u, n in NAMES.items()})


def bob_endpoint(group: Group) -> dict[str, object]:
    base = compile_group(group, IDS, directory()).base_callflow
    return next(e for e in base["flow"]["data"]["endpoints"] if e["id"] == BOB)


@freeze_time(NOW)
def test_a_pause_for_two_hours_writes_disable_until_now_plus_7200_in_gregorian_seconds() -> None:
    paused = edits.pause(sales(), BOB, "@bob", pause_end("for 2h", datetime.now(UTC)))

    documents = compile_group(paused, IDS, directory())
    validate_callflow(documents.base_callflow)
    assert bob_endpoint(paused)["disable_until"] == int(NOW.timestamp()) + 7200 + GREGORIAN_OFFSET
    assert "disable_until" not in bob_endpoint(sales())


def test_the_decompiler_reads_the_pause_back() -> None:
    paused = edits.pause(sales(), BOB, "@bob", NOW + timedelta(hours=2))
    documents = compile_group(paused, IDS, directory())

    group, _ = decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        directory(),
        user_callflow_id=IDS.user_callflow_id,
    )

    assert group == paused
    bob = group.member(BOB)
    assert bob is not None
    assert bob.paused_until == NOW + timedelta(hours=2)


def ringing(group: Group, at: datetime) -> list[str]:
    documents = compile_group(group, IDS, directory())
    endpoints = sim.EndpointDirectory.of(
        [
            sim.DirectoryUser(ALICE, "Alice Smith", (sim.DirectoryDevice("da", "alice-desk"),)),
            sim.DirectoryUser(BOB, "Bob Jones", (sim.DirectoryDevice("db", "bob-desk"),)),
        ]
    )
    trace = sim.simulate(
        documents.user_callflow,
        {IDS.base_callflow_id: documents.base_callflow},
        endpoints,
        sim.Scenario(now=int(at.timestamp()) + GREGORIAN_OFFSET),
    )
    return sorted({leg.who for rnd in trace.rounds for leg in rnd.legs})


def test_the_simulator_skips_a_paused_member_until_the_pause_ends_and_not_after() -> None:
    paused = edits.pause(sales(), BOB, "@bob", NOW + timedelta(hours=2))

    assert "Bob Jones" not in ringing(paused, NOW)
    assert "Bob Jones" not in ringing(paused, NOW + timedelta(hours=2) - timedelta(seconds=1))
    assert "Bob Jones" in ringing(paused, NOW + timedelta(hours=2, seconds=1))


def test_history_says_who_was_paused_until_when_and_who_resumed() -> None:
    paused = edits.pause(sales(), BOB, "@bob", datetime(2026, 11, 30, 14, 0, tzinfo=UTC))

    assert describe_change(sales(), paused, NAMES) == "paused Bob Jones until Mon 30 Nov 14:00 UTC"
    assert describe_change(paused, edits.resume(paused, BOB, "@bob"), NAMES) == "resumed Bob Jones"


def test_resume_refuses_someone_not_paused_naming_them_as_given() -> None:
    with pytest.raises(FieldErrors, match="@bob is not paused in Sales"):
        edits.resume(sales(), BOB, "@bob")


def test_join_gives_the_next_share_of_a_distributed_group_else_0_to_20_s() -> None:
    spread = distributed(sales(), 80)  # 0–40, 40–80
    carol = "c" * 32

    assert edits.join(spread, carol, "@carol", edits.usual_window(spread)).member(carol) == Member(
        user_id=carol, start=80, end=120
    )
    assert edits.usual_window(sales()) == (0, 20)


def test_join_refuses_beyond_15_members_and_leave_the_only_member() -> None:
    full = Group(
        name="Big", extension="301", members=tuple(Member(user_id=f"{i:032d}") for i in range(15))
    )
    with pytest.raises(FieldErrors, match="already has 15 members"):
        edits.join(full, BOB, "@bob", (0, 20))
    alone = Group(name="Solo", extension="302", members=(Member(user_id=BOB),))
    with pytest.raises(FieldErrors, match="@bob is the only member of Solo"):
        edits.leave(alone, BOB, "@bob")


# -- how long a pause lasts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "ends"),
    [
        ("for 45m", datetime(2026, 11, 30, 12, 45, tzinfo=UTC)),
        ("for 2h", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("for 1h30m", datetime(2026, 11, 30, 13, 30, tzinfo=UTC)),
        ("until 14:00", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("until 11:00", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),  # passed: tomorrow's
        ("until tomorrow", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("", datetime(2026, 11, 30, 18, 0, tzinfo=UTC)),  # the end of the working day
        # as people type them in chat
        ("for 1 hour", datetime(2026, 11, 30, 13, 0, tzinfo=UTC)),
        ("2 hours", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("1h", datetime(2026, 11, 30, 13, 0, tzinfo=UTC)),
        ("90 min", datetime(2026, 11, 30, 13, 30, tzinfo=UTC)),
        ("for 1 hr 15 mins", datetime(2026, 11, 30, 13, 15, tzinfo=UTC)),
        ("until 5pm", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
        ("until 5:30 PM", datetime(2026, 11, 30, 17, 30, tzinfo=UTC)),
        ("until 9am", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),  # passed: tomorrow's
        ("until 12pm", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),  # noon, passed
        ("until 12am", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # midnight
        ("until 17", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
        ("until 9am tomorrow", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("until tomorrow 14:00", datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),  # not today's
    ],
)
def test_pause_lengths(words: str, ends: datetime) -> None:
    assert pause_end(words, NOW, "UTC") == ends


def test_the_working_day_ends_at_18_00_in_the_persons_time_zone_then_tomorrow_9_00() -> None:
    # 12:00 UTC is 13:00 in Paris: the day ends at 18:00 Paris, 17:00 UTC
    assert pause_end(None, NOW, "Europe/Paris") == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    evening = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)
    assert pause_end(None, evening, "UTC") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ("for 8d", "'for 8d' is not a length of pause: say for 45m, for 2h"),
        ("for 200h", "is longer than a pause lasts (7 days at most)"),
        ("until 25:00", "25:00 is not a time of day"),
        ("for 0m", "'for 0m' is no time at all: say for 45m"),
        ("until 13pm", "13pm is not a time of day"),
        ("until tomorrow 9am tomorrow", "is not a length of pause"),
        ("until tomorrow 25:00", "tomorrow 25:00 is not a time of day"),
        ("until 0am", "0am is not a time of day"),
        ("for ever", "'for ever' is not a length of pause"),
        ("for 99999999h", "'for 99999999h' is not a length of pause: say for 45m"),
        ("for " + "9" * 5000 + "m", "is not a length of pause: say for 45m"),
        ("for 99999h", "is longer than a pause lasts (7 days at most)"),
        ("for 167h61m", "is longer than a pause lasts (7 days at most)"),
    ],
)
def test_pause_lengths_that_cannot_be_refused_saying_what_to_type(words: str, says: str) -> None:
    with pytest.raises(FieldErrors) as refused:
        pause_end(words, NOW, "UTC")
    assert says in refused.value.message


# London leaves summer time at 02:00 BST on 25 Oct 2026 (01:00 UTC): the clocks go back an hour
BEFORE_CLOCKS_GO_BACK = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@freeze_time(BEFORE_CLOCKS_GO_BACK)
def test_a_length_is_real_time_across_a_clock_change() -> None:
    now = datetime.now(UTC)
    assert pause_end("for 2h", now, "Europe/London") == now + timedelta(hours=2)


@freeze_time(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
def test_seven_days_across_a_clock_change_are_seven_days_and_no_more() -> None:
    now = datetime.now(UTC)
    assert pause_end("for 168h", now, "Europe/London") == now + timedelta(days=7)
    with pytest.raises(FieldErrors) as refused:
        pause_end("for 168h1m", now, "Europe/London")
    assert "is longer than a pause lasts (7 days at most)" in refused.value.message


def test_the_simulator_says_until_when_on_the_readers_clock_when_it_knows_it() -> None:
    paused = edits.pause(sales(), BOB, "@bob", NOW + timedelta(hours=2))
    documents = compile_group(paused, IDS, directory())
    endpoints = sim.EndpointDirectory.of(
        [sim.DirectoryUser(BOB, "Bob Jones", (sim.DirectoryDevice("db", "bob-desk"),))]
    )

    def reason(time_zone: str | None) -> str:
        scenario = sim.Scenario(now=to_gregorian(NOW), time_zone=time_zone)
        trace = sim.simulate(
            documents.user_callflow,
            {IDS.base_callflow_id: documents.base_callflow},
            endpoints,
            scenario,
        )
        (skipped,) = [s for s in trace.skipped if s.who == "Bob Jones"]
        return skipped.reason

    assert reason("Europe/Paris") == "paused until 15:00 your time"  # 14:00 UTC
    assert reason(None) == "paused until Mon 30 Nov 14:00 UTC"
