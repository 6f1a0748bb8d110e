"""Pausing, resuming, joining and leaving from Slack, through the real app (the shell's
emulated chat): what each person reads, what the PBX is sent, and App Home's "My
groups". freezegun sets the clock; the
demo people live in New York (the emulator's default Slack time zone)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from bot.engine.presence import to_gregorian
from bot.shell.forms import Form
from bot.shell.main import SIGNING_SECRET
from bot.shell.render import Choice, render_message
from bot.shell.replies import HOME, Posted
from bot.shell.workspace import Person
from slackemu.payloads import Signer
from tests.commands.inprocess import InProcess, app, shown, who
from tests.db import backend, fresh_url
from tests.kazoo_schemas import validate_callflow

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 12:00 in New York


def lines(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(autouse=True)
def frozen() -> Iterator[FrozenDateTimeFactory]:
    """Before the app: Slack's request signatures are checked against this clock too."""
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def sales(app: InProcess) -> InProcess:
    # signed on the frozen clock, which Bolt checks the signatures against
    app.chat.signer = Signer(SIGNING_SECRET, clock=lambda: time.time())
    assert "Created Sales" in app.said(f"create Sales 201 {who(app, 'alice')} {who(app, 'bob')}")
    return app


def ring_group_members(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The members of the ring_group the PBX was last sent, by PBX user id."""
    for path in sorted((tmp_path / "callflows").rglob("*.json")):
        document = json.loads(path.read_text())
        if document.get("flow", {}).get("module") == "ring_group":
            validate_callflow(document)
            endpoints = document["flow"]["data"]["endpoints"]
            return {str(e["id"]): e for e in endpoints}
    raise AssertionError("no ring_group callflow was written")


def pbx_id(app: InProcess, handle: str) -> str:
    return app.services.pbx_user_for(app.team, app.person(handle).user_id, f"{handle}@example.com")


def press(app: InProcess, user: Person, posted: Posted, label: str) -> str:
    choice = next(c for c in render_message(posted.message).choices if c.label.startswith(label))
    return shown(app.chat.press(user, choice, posted))


def timeline_line(app: InProcess, name: str, user: Person) -> str:
    return next(
        line
        for line in lines(app.said("show sales", user=user)).splitlines()
        if line.startswith(name)
    )


def test_a_pause_for_two_hours_is_written_as_disable_until_and_ends_by_itself(
    sales: InProcess, frozen: FrozenDateTimeFactory, tmp_path: Path
) -> None:
    app, alice = sales, sales.person("alice")
    said = lines(app.said("pause sales for 2h", user=alice))
    assert (
        "Paused you in Sales until 14:00 (your time); calls ring the others. "
        "/group resume Sales to come back." in said
    )
    written = ring_group_members(tmp_path)
    assert written[pbx_id(app, "alice")]["disable_until"] == to_gregorian(NOW) + 7200
    assert "disable_until" not in written[pbx_id(app, "bob")]
    assert timeline_line(app, "Alice Smith", alice).endswith("0–20 s ⏸ until 14:00")
    simulated = lines(app.said("simulate sales", user=alice))
    assert "Not rung: Alice Smith" in simulated
    assert "Alice Smith ▕" not in simulated

    frozen.move_to(NOW + timedelta(hours=2, seconds=1))
    assert timeline_line(app, "Alice Smith", alice).endswith("0–20 s")
    assert "Alice Smith ▕" in lines(app.said("simulate sales", user=alice))


def test_resume_clears_the_pause_and_the_history_says_both(
    sales: InProcess, tmp_path: Path
) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales until 15:30", user=alice)
    said = lines(app.said("resume sales", user=alice))
    assert "You ring again in Sales." in said
    assert "disable_until" not in ring_group_members(tmp_path)[pbx_id(app, "alice")]
    assert "⏸" not in timeline_line(app, "Alice Smith", alice)
    history = lines(app.said("history sales", user=alice))
    assert "paused Alice Smith until Mon 30 Nov 20:30 UTC" in history
    assert "resumed Alice Smith" in history
    undone = lines(app.said("undo sales"))
    assert "⏸ until 15:30" in timeline_line(app, "Alice Smith", alice), undone


def test_pausing_the_last_member_who_would_ring_warns_and_waits_for_confirm(
    sales: InProcess, tmp_path: Path
) -> None:
    app, alice, bob = sales, sales.person("alice"), sales.person("bob")
    app.said("pause sales until tomorrow", user=bob)
    asked = app.command("pause sales for 45m", user=alice)
    warning = lines(shown(asked))
    assert (
        "⚠ Alice Smith is the last member of Sales who would ring: while paused, calls to "
        "Sales go straight to the not-available prompt until someone returns "
        "(tomorrow 09:00, your time)." in warning
    )
    assert "disable_until" not in ring_group_members(tmp_path)[pbx_id(app, "alice")]
    assert "⏸" not in timeline_line(app, "Alice Smith", alice)

    said = lines(press(app, alice, asked.posted[0], "Confirm pause"))
    assert (
        "Paused you in Sales until 12:45 (your time); nobody else rings, so calls to Sales "
        "go straight to the not-available prompt." in said
    )
    assert ring_group_members(tmp_path)[pbx_id(app, "alice")]["disable_until"] == (
        to_gregorian(NOW) + 45 * 60
    )
    assert "⏸ until 12:45" in timeline_line(app, "Alice Smith", alice)


def test_a_confirm_pressed_after_the_group_changed_is_refused(sales: InProcess) -> None:
    app, alice, bob = sales, sales.person("alice"), sales.person("bob")
    app.said("pause sales", user=bob)
    asked = app.command("pause sales for 1h", user=alice)
    app.said(f"ring sales {who(app, 'bob')} 0-30")
    said = lines(press(app, alice, asked.posted[0], "Confirm pause"))
    assert "This warning is out of date: Sales changed since it was shown." in said
    assert "⏸" not in timeline_line(app, "Alice Smith", alice)


def test_only_leads_and_admins_pause_someone_else(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    refused = lines(app.said(f"pause sales {who(app, 'bob')} for 1h", user=alice))
    assert "only admins and the leads of Sales" in refused
    said = lines(app.said(f"pause sales {who(app, 'bob')} for 1h"))
    bob = f"@{app.person('bob').user_id}"
    assert f"Paused {bob} in Sales until 13:00 (your time)" in said
    assert f"/group resume Sales {bob} brings them back sooner." in said
    assert "⏸ until 13:00" in timeline_line(app, "Bob Jones", alice)


def test_a_pause_said_wrong_is_refused_with_what_to_say(sales: InProcess) -> None:
    said = lines(sales.said("pause sales for ever", user=sales.person("alice")))
    assert "'for ever' is not a length of pause: say for 45m, for 2h" in said
    assert "Usage: /group pause <group>|all" in said
    # the words after the group are what is wrong: no advice to quote a name
    assert "put it in quotes" not in said
    # unless they are the rest of a name typed without quotes
    unquoted = lines(sales.said("pause Front desk for 1h", user=sales.person("alice")))
    assert '/group pause "Front desk" for 1h' in unquoted, unquoted


def test_a_pause_typed_as_people_say_it_is_understood(sales: InProcess) -> None:
    said = lines(sales.said("pause sales 1 hour", user=sales.person("alice")))
    assert "Paused you in Sales until 13:00 (your time)" in said


def test_join_and_leave_need_the_group_open_to_self_service(sales: InProcess) -> None:
    app, carol = sales, sales.person("carol")
    refused = lines(app.said("join sales", user=carol))
    assert "Sales is not open to self-service, so you cannot join it yourself" in refused
    assert "to run /group selfservice Sales on" in refused
    opened = lines(app.said("selfservice sales on"))
    assert "Sales is open to self-service" in opened
    joined = lines(app.said("join sales", user=carol))
    assert "You joined Sales: your phones ring 0–20 s after a call arrives." in joined
    assert timeline_line(app, "Carol", carol)
    left = lines(app.said("leave sales", user=carol))
    assert "You left Sales" in left
    assert "Carol" not in lines(app.said("show sales", user=carol))


def test_leaving_a_group_you_are_not_in_says_so_before_self_service(sales: InProcess) -> None:
    app, carol = sales, sales.person("carol")
    refused = lines(app.said("leave sales", user=carol))
    assert "You are not in Sales." in refused
    assert "self-service" not in refused
    assert "You are already in Sales." in lines(app.said("join sales", user=app.person("alice")))


def test_pausing_again_to_the_same_moment_says_you_are_already_paused(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales for 2h", user=alice)
    again = lines(app.said("pause sales until 14:00", user=alice))
    assert "You are already paused in Sales until 14:00 (your time)." in again
    assert "Nothing changed" not in again


def test_a_lead_replacing_a_running_pause_says_which_it_replaced(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales for 2h", user=alice)

    said = lines(app.said(f"pause sales {who(app, 'alice')} for 1h"))

    assert "until 13:00 (your time, in place of the pause until 14:00)" in said, said


def test_app_home_lists_my_groups_with_pause_and_resume(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    app.said("create Support 202 " + who(app, "bob"))
    home = app.chat.home(alice).posted[-1]
    text = lines(shown_home(home))
    assert "My groups" in text
    assert "Sales: ringing" in text
    assert "Support: ringing" not in text

    press(app, alice, home, "Pause 1 h")
    home = republished(app, alice)
    assert "Sales: paused until 13:00" in lines(shown_home(home))
    assert "⏸ until 13:00" in timeline_line(app, "Alice Smith", alice)

    press(app, alice, home, "Resume")
    home = republished(app, alice)
    assert "Sales: ringing" in lines(shown_home(home))


def republished(app: InProcess, user: Person) -> Posted:
    """App Home as the button's handler left it (not opened again)."""
    view = app.chat.emulator.home_view(user.user_id) or {}
    return Posted({"blocks": view.get("blocks") or []}, channel=HOME)


def shown_home(posted: Posted) -> str:
    return render_message(posted.message).text


def test_app_home_asks_in_a_direct_message_before_pausing_the_last_one_ringing(
    sales: InProcess,
) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales for 2h", user=app.person("bob"))
    home = app.chat.home(alice).posted[-1]
    asked = app.chat.press(alice, choice(home, "Pause until tomorrow"), home)
    dm = next(p for p in asked.posted if p.channel != HOME and not p.ephemeral)
    assert "Alice Smith is the last member of Sales who would ring" in lines(shown_home(dm))
    assert "Sales: ringing" in lines(shown_home(republished(app, alice)))

    said = lines(shown(app.chat.press(alice, choice(dm, "Confirm pause"), dm)))
    assert "Paused you in Sales until tomorrow 09:00 (your time); nobody else rings" in said
    assert "/group resume Sales to come back." in said
    assert "Sales: paused until tomorrow 09:00" in lines(shown_home(republished(app, alice)))


def choice(posted: Posted, label: str) -> Choice:
    return next(c for c in render_message(posted.message).choices if c.label.startswith(label))


def test_changing_a_paused_members_window_or_the_members_form_keeps_the_pause(
    sales: InProcess,
) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales for 2h", user=alice)
    assert "now rings 5–25 s in Sales" in lines(app.said(f"ring sales {who(app, 'alice')} 5-25"))
    assert timeline_line(app, "Alice Smith", alice).endswith("5–25 s ⏸ until 14:00")

    opened = app.command("members sales")
    assert opened.view is not None
    saved = app.chat.submit(app.admin, Form(opened.view, app.chat.workspace))
    assert saved.closed, saved.failures
    assert timeline_line(app, "Alice Smith", alice).endswith("⏸ until 14:00")


def test_a_lead_confirming_someone_elses_pause_names_them_and_how_to_bring_them_back(
    sales: InProcess,
) -> None:
    app, bob = sales, f"@{sales.person('bob').user_id}"
    app.said("create Solo 203 " + who(app, "bob"))
    asked = app.command(f"pause solo {who(app, 'bob')} for 45m")
    assert "is the last member of Solo who would ring" in lines(shown(asked))
    said = lines(press(app, app.admin, asked.posted[0], "Confirm pause"))
    assert f"Paused {bob} in Solo until 12:45 (your time)" in said
    assert f"/group resume Solo {bob} brings them back sooner." in said
    assert "Paused you" not in said


def test_the_resume_a_pause_suggests_works_when_copied_for_a_name_with_markup(
    sales: InProcess,
) -> None:
    app, bob = sales, sales.person("bob")
    app.said(f'create "Bob\'s *Team*" 204 {who(app, "bob")} {who(app, "alice")}')
    reply = app.command('pause "bob\'s *team*" for 1h', user=bob)
    raw = reply.posted[0].message["text"]
    assert '/group resume `"Bob\'s *Team*"` to come back.' in raw
    suggested = 'resume "Bob\'s *Team*"'
    assert "You ring again in Bob" in lines(app.said(suggested, user=bob))


def test_pausing_two_people_at_once_says_one_at_a_time_and_a_repeat_counts_once(
    sales: InProcess,
) -> None:
    app = sales
    alice, bob = who(app, "alice"), who(app, "bob")
    refused = lines(app.said(f"pause sales {alice} {bob} for 1h"))
    alice_id, bob_id = app.person("alice").user_id, app.person("bob").user_id
    assert (
        f"Name one person at a time: /group pause sales @{alice_id} for 1h, "
        f"then /group pause sales @{bob_id} for 1h" in refused
    )
    assert "not a length of pause" not in refused
    said = lines(app.said(f"pause sales {bob} {bob} for 1h"))
    assert f"Paused @{bob_id} in Sales until 13:00 (your time)" in said


def test_simulate_says_until_when_a_member_is_paused(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    app.said("pause sales for 2h", user=alice)
    simulated = lines(app.said("simulate sales", user=alice))
    assert "Not rung: Alice Smith (paused until 14:00 your time)" in simulated
    assert "logged out" not in simulated


def test_a_mistyped_group_is_named_before_a_missing_pbx_user(sales: InProcess) -> None:
    app = sales  # the admin has no PBX user
    said = lines(app.said("pause sales"))
    assert "You have no PBX user: none is linked to your Slack account" in said
    assert "add yourself in SmartPBX" in said  # an admin is not told to ask an admin
    for command in ("pause slaes", "join slaes", "resume slaes", "leave slaes"):
        said = lines(app.said(command))
        assert "Did you mean 'Sales'?" in said, command
        assert "no PBX user" not in said, command


def test_app_home_offers_pause_when_ringing_and_resume_when_paused(sales: InProcess) -> None:
    app, alice = sales, sales.person("alice")
    home = app.chat.home(alice).posted[-1]
    labels = [c.label for c in render_message(home.message).choices]
    assert "Pause 1 h" in labels
    assert "Resume" not in labels
    press(app, alice, home, "Pause 1 h")
    labels = [c.label for c in render_message(republished(app, alice).message).choices]
    assert "Resume" in labels
    assert "Pause 1 h" not in labels


def test_a_pause_too_long_says_the_limit_and_what_to_type(sales: InProcess) -> None:
    said = lines(sales.said(f"pause sales {who(sales, 'alice')} for 500h"))
    assert "'for 500h' is longer than a pause lasts (7 days at most): say for 45m" in said
    assert "ask a lead" not in said


def test_help_says_when_a_default_pause_ends(sales: InProcess) -> None:
    said = lines(sales.said("help pause"))
    assert "by default until 18:00 your time; after 18:00: 09:00 tomorrow" in said


def test_the_person_paused_or_resumed_by_someone_else_is_told_in_a_direct_message(
    sales: InProcess,
) -> None:
    app, admin = sales, f"@{sales.admin.user_id}"
    paused = app.command(f"pause sales {who(app, 'bob')} for 1h")
    dms = [lines(shown_home(p)) for p in paused.posted if p.channel == "D0BOB"]
    assert (
        f"{admin} paused you in Sales until 13:00 (your time); /group resume Sales to come back."
        in dms
    )
    resumed = app.command(f"resume sales {who(app, 'bob')}")
    dms = [lines(shown_home(p)) for p in resumed.posted if p.channel == "D0BOB"]
    assert f"{admin} resumed you in Sales: your phones ring again." in dms
    # an undo of a pause or a resume tells them the same way
    undone = app.command("undo sales")
    dms = [lines(shown_home(p)) for p in undone.posted if p.channel == "D0BOB"]
    assert (
        f"{admin} undid a change to Sales: you are paused there until 13:00 (your time); "
        "/group resume Sales to come back." in dms
    ), dms
    undone = app.command("undo sales")
    dms = [lines(shown_home(p)) for p in undone.posted if p.channel == "D0BOB"]
    assert f"{admin} undid your pause in Sales: your phones ring again." in dms, dms
