"""``/group simulate`` through the real app: where the call goes after the last round is
named as the user knows it, and a group next action goes on into that group's rounds."""

from __future__ import annotations

import warnings

import pytest

from bot.commands.views import call_picture
from bot.engine import simulator as sim
from tests.commands.inprocess import InProcess, app, who
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below

pytestmark = pytest.mark.slow


def said_lines(app: InProcess, text: str) -> str:
    """What the user reads, each line without the shell's indent."""
    return "\n".join(line.strip() for line in app.said(text).splitlines())


@pytest.fixture
def support_and_billing(app: InProcess) -> InProcess:
    assert "Created Support" in app.said(f"create Support 201 {who(app, 'alice')}")
    assert "Created Billing" in app.said(f"create Billing 202 {who(app, 'bob')}")
    return app


def test_a_group_next_action_rings_that_group_then_ends_where_it_ends(
    support_and_billing: InProcess,
) -> None:
    app = support_and_billing
    app.said("next Support group Billing")

    said = said_lines(app, "simulate Support")

    assert "→ 20 s: no answer; the call goes to group Billing" in said
    assert "Billing\nsimultaneous · group timeout 20 s · 1 round" in said
    assert "Round 1 · 20–40 s\nBob Jones ▕" in said
    assert "→ 40 s: no answer; the call goes to the “not available” prompt, then hang up" in said
    assert "callflow" not in said


def test_a_loop_between_two_groups_is_named_and_the_call_stops(
    support_and_billing: InProcess,
) -> None:
    app = support_and_billing
    app.said("next Support group Billing")
    app.said("next Billing group Support")

    said = said_lines(app, "simulate Support")

    assert "Round 1 · 20–40 s" in said  # Billing's round, once
    assert (
        "→ 40 s: no answer; Billing's next action goes back to Support: "
        "the call would loop; it stops here"
    ) in said
    assert said.count("Round 1 ·") == 2


def test_an_answer_in_the_next_group_ends_the_call_there(support_and_billing: InProcess) -> None:
    app = support_and_billing
    app.said("next Support group Billing")

    said = said_lines(app, f"simulate Support answer={who(app, 'bob')}@25")

    assert "→ 25 s: answered by Bob Jones" in said
    assert "never happens" not in said


def test_a_user_next_action_names_the_person(support_and_billing: InProcess) -> None:
    app = support_and_billing
    app.said(f"next Support user {who(app, 'carol')}")

    reply = app.command("simulate Support")

    outcome = reply.posted[0].message["blocks"][1]["text"]["text"]
    assert outcome == f"→ 20 s: no answer; the call goes to <@{app.person('carol').user_id}>"
    assert "→ 20 s: no answer; the call goes to user Carol White" in str(reply.posted[0].message)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("next Support menu Main menu", "the call goes to the menu Main menu"),
        (
            "next Support voicemail Sales voicemail",
            "the call goes to voicemail box Sales voicemail",
        ),
    ],
)
def test_a_menu_or_voicemail_next_action_is_named(
    support_and_billing: InProcess, command: str, words: str
) -> None:
    app = support_and_billing
    app.said(command)

    said = said_lines(app, "simulate Support")

    assert f"→ 20 s: no answer; {words}" in said


def test_a_cjk_name_is_drawn_without_a_missing_glyph_warning() -> None:
    leg = sim.Leg(1, 0, "u-1", "営業の鈴木", "d-1", "desk", 0.0, 20.0, "rang")
    trace = sim.CallTrace(
        name="営業",
        caller_name="Caller",
        caller_number="",
        ring=sim.RingSettings("simultaneous", 20, 1, None),
        rounds=(sim.Round(1, 0.0, 20.0, (leg,)),),
        skipped=(),
        events=(),
        outcome=sim.Outcome("hung_up", 20.0),
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" fails the test
        picture = call_picture.render_png(trace)

    assert picture.startswith(b"\x89PNG")
