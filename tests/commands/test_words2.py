"""Issue 13, the rest: echoes name what was stored, one wording for forward, delete warns
before it asks, multi-word names get a hint, and every message reads as a team lead would.
Through the real app in process, asserting on what the user reads."""

from __future__ import annotations

import pytest

from tests.commands.inprocess import InProcess, app, sales, who
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url", "sales"]  # the fixtures, used by name below


def test_a_next_group_typed_in_lower_case_is_echoed_as_stored(sales: InProcess) -> None:
    sales.said(f"create Billing 202 {who(sales, 'bob')}")

    said = sales.said("next Sales group billing")

    assert "now go to group “Billing”" in said, said
    assert "billing" not in said


@pytest.mark.parametrize(
    ("line", "stored"),
    [
        ("next Sales menu main MENU", "menu “Main menu”"),
        ("next Sales voicemail sales voicemail", "voicemail box “Sales voicemail”"),
        ("next Sales device front desk phone", "device “Front desk phone”"),
        ('ringback Sales "hold music"', "media “Hold music”"),
    ],
)
def test_a_name_typed_in_another_case_is_echoed_as_stored(
    sales: InProcess, line: str, stored: str
) -> None:
    said = sales.said(line)

    assert stored in said, said


FORWARD_MEANS = "a ringing phone may forward the call (its Forward key)"


def test_forward_is_said_with_one_meaning_in_help_reply_and_show(sales: InProcess) -> None:
    helped = sales.said("help forward")
    replied = sales.said("forward Sales allow")
    shown_ = sales.said("show Sales")

    assert FORWARD_MEANS in helped, helped
    assert f"Sales now allows call-forward: {FORWARD_MEANS}" in replied, replied
    assert f"Allow call-forward: on ({FORWARD_MEANS})" in shown_, shown_
    for said in (helped, replied, shown_):
        assert "forwarded phones" not in said


def test_deleting_a_group_another_one_sends_calls_to_is_refused_before_confirming(
    sales: InProcess,
) -> None:
    sales.said(f"create Billing 202 {who(sales, 'bob')}")
    sales.said("next Sales group Billing")

    said = sales.said("delete Billing")

    assert "Sales sends unanswered calls to Billing" in said, said
    assert "/group next Sales" in said
    assert "Delete" not in said.split("Billing", 1)[0]
    assert sales.services.get_group(sales.team, "Billing").group.name == "Billing"


@pytest.mark.parametrize(
    ("line", "corrected"),
    [
        ("show Front desk", '/group show "Front desk"'),
        ("members Front desk", '/group members "Front desk"'),
    ],
)
def test_a_name_with_spaces_without_quotes_is_shown_in_quotes(
    sales: InProcess, line: str, corrected: str
) -> None:
    said = sales.said(line)

    assert "put it in quotes" in said, said
    assert corrected in said


def test_people_after_a_name_with_spaces_stay_in_the_corrected_line(sales: InProcess) -> None:
    said = sales.said(f"add Front desk {who(sales, 'bob')}")

    assert "If “Front desk” is one name, put it in quotes" in said, said
    assert '/group add "Front desk" @bob' in said


def test_a_person_with_no_pbx_user_is_told_what_to_do(sales: InProcess) -> None:
    admin = sales.admin

    said = sales.said(f"add Sales <@{admin.user_id}|{admin.handle}>")

    assert "has no PBX user" in said, said
    assert "Slack shows no email for them, and groupbot finds people's PBX users by email" in said
    assert "link them" not in said


def test_the_delete_prompt_says_what_deleting_does_without_callflows(sales: InProcess) -> None:
    said = sales.said("delete Sales")

    assert "calls to its numbers will no longer ring anyone" in said, said
    assert "callflow" not in said
