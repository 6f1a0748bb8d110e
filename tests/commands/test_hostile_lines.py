"""Lines an attacker (or a slip of the keyboard) types, through the real app in process:
each one is answered, in time, with words that say what to fix, and nothing is stored.

Issue 9: ``/group show <abc`` never ended; a 5,000-digit number and a NUL byte took the
bug path ("Something went wrong", PostgreSQL's DataError even on ``show``).
"""

from __future__ import annotations

import logging

import pytest

from tests.commands.inprocess import InProcess, app, shown
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below

BUG_PATH = "Something went wrong"
MAX_TEXT = 4_000  # the longest /group line read, as the refusal says


def said_cleanly(app: InProcess, text: str, caplog: pytest.LogCaptureFixture) -> str:
    """What the user reads after ``/group text``, checked to be a refusal or an answer
    the app meant to give: never the bug path, nothing logged as an error."""
    reply = app.command(text)
    words = shown(reply)
    assert words.strip(), f"/group {text[:60]!r} got no reply"
    assert BUG_PATH not in words, words
    assert not [f for f in reply.failures if f], reply.failures
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    return words


@pytest.fixture
def sales(app: InProcess) -> InProcess:
    alice = app.person("alice")
    assert "Created Sales" in app.said(f"create Sales 201 <@{alice.user_id}|alice>")
    return app


@pytest.mark.parametrize(
    "text",
    [
        "show <abc",
        "show <",
        "show <<",
        "show <@U1|a",
        "show a<b",
        'show "unclosed',
        "show “curly",
        "callflow <https://example.com",
        "add Sales <@U0ALICE",
    ],
)
def test_an_unclosed_bracket_or_quote_is_read_and_answered(
    sales: InProcess, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    words = said_cleanly(sales, text, caplog)
    assert "Usage" in words or "No group" in words or "no group" in words, words


def test_show_with_an_unclosed_bracket_says_there_is_no_such_group(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    words = said_cleanly(sales, "show <abc", caplog)
    assert "<abc" in words


def test_a_line_over_the_bound_is_refused_before_it_is_read(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    text = "show " + "x" * MAX_TEXT
    words = said_cleanly(sales, text, caplog)
    assert f"That command is {len(text):,} characters long; /group reads at most 4,000." in words
    # a line of exactly the bound is read as any other
    words = said_cleanly(sales, "show Sales" + " " * (MAX_TEXT - len("show Sales")), caplog)
    assert "Sales" in words
    assert "reads at most" not in words


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("repeats Sales " + "9" * 3000, "Repeats must be a whole number from 1 to 20, not '999"),
        ("repeats Sales " + "9" * 5000, "That command is 5,014 characters long"),
        ("repeats Sales 21", "Repeats must be a whole number from 1 to 20, not '21'"),
        ("repeats Sales ²", "Repeats must be a whole number from 1 to 20, not '²'"),
        ("repeats Sales ٣", "Repeats must be a whole number from 1 to 20, not '٣'"),
        ("distribute Sales " + "9" * 3000, "The window must be a number of seconds from 0 to 999"),
        ("ring Sales @alice 0-" + "9" * 3000, "Start and end must be seconds from 0 to 999"),
        ("ring Sales @alice 0-" + "9" * 5000, "/group reads at most 4,000"),
        (
            "record Sales on limit=" + "9" * 3000,
            "Limit must be a number of seconds from 5 to 10800",
        ),
        (
            "simulate Sales answer=@alice@" + "9" * 3000,
            "The answer time must be a number of seconds from 0 to 19980",
        ),
        ("number Sales add " + "1" * 3000, "is too long for an extension or a phone number"),
    ],
)
def test_huge_numbers_are_refused_by_their_range(
    sales: InProcess, text: str, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    alice = sales.person("alice")
    text = text.replace("@alice", f"<@{alice.user_id}|alice>")
    words = said_cleanly(sales, text, caplog)
    assert refusal in words
    assert len(words) < 1_000  # the refusal quotes the start of the number, not all of it
    group = sales.services.get_group(sales.team, "Sales").group
    assert (group.repeats, group.members[0].end) == (1, 20)


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("show Sa\x00les", "A /group command cannot contain a NUL character"),
        ("show \x00", "A /group command cannot contain a NUL character"),
        ("sh\x00ow Sales", "A /group command cannot contain a NUL character"),
        ("rename Sales New\x00Name", "A /group command cannot contain a NUL character"),
        ("rename Sales \x1b[31mRed", "A /group command cannot contain an escape character"),
        ("rename Sales Evil\u202eexe.txt", "cannot contain U+202E (right-to-left override)"),
        ('rename Sales "New\tName"', "A word in quotes cannot contain a tab: a name or a prefix"),
        ('rename Sales "Two\nLines"', "cannot contain a line break"),
        ("prepend Sales name=\x07", "cannot contain U+0007"),
        ("next Sales voicemail Sales\x00voicemail", "cannot contain a NUL character"),
        ("record Sales on url=https://rec.example.com/\x00", "cannot contain a NUL character"),
    ],
)
def test_control_characters_are_refused_in_plain_words(
    sales: InProcess, text: str, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    words = said_cleanly(sales, text, caplog)
    assert refusal in words
    assert "\x00" not in words
    assert "\x1b" not in words
    shown_group = sales.services.get_group(sales.team, "Sales")
    assert shown_group.group.name == "Sales"
    assert not shown_group.group.features.caller_id_prepend.enabled


def test_tabs_and_line_breaks_between_words_still_separate_them(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    words = said_cleanly(sales, "rename\tSales\nInside Sales", caplog)
    assert "Inside Sales" in words
    assert sales.services.get_group(sales.team, "Inside Sales").group.name == "Inside Sales"


def test_letters_of_every_script_and_emoji_stay_in_names(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    name = "Größe ventas 販売 👩‍💻🎧"
    said_cleanly(sales, f"rename Sales {name}", caplog)
    assert sales.services.get_group(sales.team, name).group.name == name


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:22/x", "cannot send calls to 127.0.0.1"),
        ("http://169.254.169.254/latest", "cannot send calls to 169.254.169.254"),
        ("http://localhost:8080/rec", "cannot send calls to localhost"),
        ("https://user:pw@recordings.example.com/x", "cannot hold a user name or password"),
    ],
)
def test_recordings_are_never_sent_to_the_pbx_itself_or_with_credentials_in_the_url(
    sales: InProcess, url: str, says: str, caplog: pytest.LogCaptureFixture
) -> None:
    words = said_cleanly(sales, f"record Sales on url={url}", caplog)
    assert says in words
    recording = sales.services.get_group(sales.team, "Sales").group.features.call_recording
    assert (recording.enabled, recording.url) == (False, None)


def test_only_admins_read_the_secret_of_groupbots_recording_url(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "vtP0vTMSSSPtpM6FRA6f4_SlPy06qkHY"
    url = f"https://groupbot.example.com/recordings/{secret}/a816c0de"
    assert "records calls" in said_cleanly(sales, f"record Sales on url={url}", caplog)
    carol = sales.person("carol")  # neither an admin nor a lead
    for line in ("show Sales", "callflow Sales", "history Sales"):
        words = sales.said(line, user=carol)
        assert "/recordings/•••/a816c0de" in words, line
        assert secret not in words, line
        assert secret in sales.said(line), line  # the admin, who can rotate it, sees it


def test_a_line_naming_hundreds_of_people_is_refused_before_anyone_is_looked_up(
    sales: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    carol = sales.person("carol")  # neither an admin nor a lead: no lookups for her either
    mentions = " ".join(f"<@U{i:07d}>" for i in range(300))
    for who in (carol, sales.admin):
        before = len(sales.chat.emulator.calls("users.info"))
        words = sales.said(f"add Sales {mentions}", user=who)
        assert "Name at most 15 people in one command, not 300" in words
        assert len(sales.chat.emulator.calls("users.info")) == before
