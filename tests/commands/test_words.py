"""Issue 13 (points 3, 7, 8, 9): every answer names people, groups and fields as the user
typed or sees them, counts what the user gave, says each warning once, and shows names
literally. Through the real app in process, asserting on what the user reads."""

from __future__ import annotations

from tests.commands.inprocess import InProcess, app, sales, who
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url", "sales"]  # the fixtures, used by name below


def test_a_person_named_twice_in_create_is_taken_once(app: InProcess) -> None:
    alice = who(app, "alice")

    said = app.said(f"create Sales 201 {alice} {alice}")

    assert "Created Sales" in said
    assert "1 member" in said


def test_a_person_named_twice_in_add_is_added_and_named_once(sales: InProcess) -> None:
    carol = who(sales, "carol")

    said = sales.said(f"add Sales {carol} {carol}")

    assert said.count(sales.person("carol").user_id) == 1, said
    assert "2 members" in said


def test_a_person_named_twice_in_remove_is_removed_once(sales: InProcess) -> None:
    bob = who(sales, "bob")
    sales.said(f"add Sales {bob}")

    said = sales.said(f"remove Sales {bob} {bob}")

    assert said.count(sales.person("bob").user_id) == 1, said
    assert "1 member" in said


def test_a_too_long_prefix_is_named_as_the_form_names_it(sales: InProcess) -> None:
    said = sales.said(f"prepend Sales name={'x' * 70}")

    assert "features." not in said, said
    assert "caller id prepend" not in said
    assert "Caller-ID name prefix must be at most 64 characters" in said


def test_a_next_action_loop_is_named_with_both_groups(sales: InProcess) -> None:
    sales.said(f"create Billing 202 {who(sales, 'bob')}")
    sales.said("next Sales group Billing")

    said = sales.said("next Billing group Sales")

    assert "makes a loop (Billing → Sales → Billing)" in said, said


def test_a_warning_is_said_once_when_it_first_appears(sales: InProcess) -> None:
    first = sales.said("ring Sales " + who(sales, "alice") + " 30-40")
    later = sales.said("forward Sales allow")
    shown_ = sales.said("show Sales")

    assert "Nothing rings for the first 30 s" in first
    assert "Nothing rings" not in later, later
    assert "Nothing rings for the first 30 s" in shown_


def test_names_with_mrkdwn_characters_show_literally(app: InProcess) -> None:
    app.said(f"create Fo`o*_ 203 {who(app, 'bob')}")

    listed = app.said("list")

    assert "Fo｀o＊＿ · ext 203 · 1 member" in listed, listed


def test_replies_that_name_a_group_show_its_markup_characters_too(app: InProcess) -> None:
    created = app.said(f"create *_x_* 204 {who(app, 'bob')}")
    renamed = app.said("rename 204 _under_")

    assert "Created ＊＿x＿＊." in created, created
    assert "Renamed ＊＿x＿＊ → ＿under＿." in renamed, renamed


def test_callflow_shows_accented_names_as_typed(sales: InProcess) -> None:
    sales.said('rename Sales "Ventes Été"')

    said = sales.said('callflow "Ventes Été"')

    assert "Ventes Été Ring Group" in said
    assert "\\u" not in said


def test_an_unclosed_quote_is_named(app: InProcess) -> None:
    said = app.said('create "Front desk 204 ' + who(app, "bob"))

    assert 'A quote (") is not closed' in said, said
