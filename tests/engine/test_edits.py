"""The group edits of ``bot.engine.edits``: ``Group`` in, ``Group`` out, refusals keyed by
field and naming people as the caller named them."""

from __future__ import annotations

import pytest

from bot.engine import edits
from bot.engine.errors import FieldErrors
from bot.engine.model import Group, NextActionKind
from bot.engine.numbers import is_extension
from bot.engine.validation import parse_group
from tests.engine.builders import directory, hex_id

ALICE, BOB, CAROL = hex_id("alice"), hex_id("bob"), hex_id("carol")


def sales() -> Group:
    return parse_group(
        {
            "name": "Sales",
            "extension": "201",
            "members": [{"user_id": ALICE}, {"user_id": BOB}],
        }
    )


def test_adding_someone_already_in_names_them_as_typed_under_members() -> None:
    with pytest.raises(FieldErrors) as refused:
        edits.add_members(sales(), {BOB: "@bob", CAROL: "@carol"})
    assert refused.value.errors == {"members": "Already in Sales: @bob."}


def test_added_members_ring_with_smartpbx_s_window_and_the_group_stays_as_it_was() -> None:
    before = sales()
    after = edits.add_members(before, {CAROL: "@carol"})
    assert [(m.user_id, m.start, m.end) for m in after.members][-1] == (CAROL, 0, 20)
    assert len(before.members) == 2


def test_removing_every_member_is_refused_with_the_way_to_delete() -> None:
    with pytest.raises(FieldErrors) as refused:
        edits.remove_members(sales(), {ALICE: "@alice", BOB: "@bob"})
    assert "/group delete Sales" in refused.value.errors["members"]


def test_a_number_is_filed_as_smartpbx_files_it() -> None:
    group = edits.add_number(sales(), "2040")
    group = edits.add_number(group, "+14155550123")
    assert group.extra_extensions == ("2040",)
    assert group.numbers == ("+14155550123",)
    assert [is_extension(n) for n in ("201", "204060", "2040601", "+1415")] == [
        True,
        True,
        False,
        False,
    ]


def test_the_primary_extension_cannot_be_removed() -> None:
    with pytest.raises(FieldErrors) as refused:
        edits.remove_number(sales(), "201")
    assert set(refused.value.errors) == {"extension"}


def test_an_unknown_voicemail_box_is_refused_under_the_next_action() -> None:
    with pytest.raises(FieldErrors) as refused:
        edits.set_next_action(sales(), directory(), NextActionKind.VOICEMAIL, "Nowhere")
    assert "No voicemail box named 'Nowhere'" in refused.value.errors["features.next_action"]


def test_an_edit_for_the_services_applies_the_function_to_the_stored_group() -> None:
    edit = edits.edit(edits.rename, "Inside Sales")
    assert edit(sales(), directory()).name == "Inside Sales"
