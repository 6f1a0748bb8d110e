"""Generated ``/group`` lines through the real app in process (signed, dispatched by Bolt,
SQLite or PostgreSQL, the PBX folder): every line gets a clear answer in time.

For each line: no unhandled exception (no "Something went wrong" reference, nothing
logged at ERROR, no listener error that is not a UserError), a reply the user can read
(a message with text, or a modal), and no request over 2 s. The lines are arbitrary text,
and lines built from the real grammar: every subcommand's help examples, with words
swapped for mentions, numbers, ranges, quotes, huge numbers, NUL and ``<``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.help import SPECS
from bot.shell.replies import Reply
from tests.commands.inprocess import InProcess, app, shown
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below

# A line still running after this fails at once, as one that never ends. How fast a line is
# answered is measured in benchmarks (bench_slack.py), not asserted here: on a shared
# machine a timing bound fails for reasons that are not the code's.
HANG_BOUND = 20.0
EXAMPLES = 300

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the only bound is HANG_BOUND, around the request itself
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app for every example, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

PEOPLE = ["alice", "bob", "carol", "dana", "erin"]

# Every subcommand's examples as the help gives them, as Slack would send them.
EXAMPLE_LINES = sorted(
    re.sub(r"@(\w+)", lambda m: f"<@U0{m[1].upper()}|{m[1]}>", example)
    for spec in SPECS.values()
    for example in spec.examples
)

huge = st.integers(5, 3_900).map(lambda n: "9" * n)
numbers = st.one_of(
    st.integers(-5, 1_100).map(str),
    huge,
    st.sampled_from(["²", "٣", "1e3", "0x10", "20s", "+14155550123", "+1", "4155550123", "00"]),
)
ranges = st.one_of(
    st.tuples(numbers, numbers).map(lambda r: f"{r[0]}-{r[1]}"),
    st.sampled_from(["0-20", "20-0", "0 - 20", "0–20", "5-5", "-", "0-"]),
)
mentions = st.one_of(
    st.sampled_from(PEOPLE).map(lambda p: f"<@U0{p.upper()}|{p}>"),
    st.sampled_from(PEOPLE).map(lambda p: f"@{p}"),
    st.sampled_from(["<@U0NOBODY|nobody>", "<@U0ALICE", "<@W1>", "@", "<!here>", "<#C0GENERAL>"]),
)
hostile = st.sampled_from(
    [
        "<",
        "<<",
        "<abc",
        ">",
        '"',
        "“",
        "”",
        '"unclosed',
        "&lt;",
        "&gt;",
        "&amp;",
        "\x00",
        "a\x00b",
        "\x1b[31m",
        "\u202e",
        "\t",
        "\n",
        "\x7f",
        "\u2028",
        "x" * 300,
        "🎧",
        "Größe",
    ]
)
keywords = st.sampled_from(
    [
        "on",
        "off",
        "mp3",
        "wav",
        "limit=20",
        "url=https://rec.example.com/in",
        "url=<https://rec.example.com|rec>",
        "name=Sales:",
        "number=9",
        "busy=@alice,@bob",
        "answer=@alice@15",
        "voicemail",
        "user",
        "device",
        "menu",
        "group",
        "default",
        "silence",
        "add",
        "remove",
        "allow",
        "deny",
        "--dry-run",
        "Sales",
        "201",
        '"Sales voicemail"',
        "Main menu",
        "Hold music",
    ]
)
words = st.one_of(
    keywords, numbers, ranges, mentions, hostile, st.text(min_size=1, max_size=12)
).map(lambda w: w if not w.isspace() else "x")
subcommands = st.one_of(
    st.sampled_from(sorted(SPECS)), st.sampled_from(sorted(SPECS)).map(str.upper)
)
built = st.tuples(subcommands, st.lists(words, max_size=8)).map(
    lambda line: " ".join([line[0], *line[1]])
)


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    """A help example with one word replaced, or a hostile piece put in the middle."""
    parts = draw(st.sampled_from(EXAMPLE_LINES)).split(" ")
    at = draw(st.integers(0, len(parts)))
    piece = draw(st.one_of(words, hostile))
    if draw(st.booleans()) and at < len(parts):
        parts[at] = piece
    else:
        parts.insert(at, piece)
    return " ".join(parts)


grammar_lines = st.one_of(st.sampled_from(EXAMPLE_LINES), built, mutated_examples())
any_lines = st.one_of(st.text(max_size=400), st.text(max_size=60).map(lambda t: "show " + t))


@pytest.fixture
def sales(app: InProcess) -> InProcess:
    """A workspace with two groups, so lines that name them reach the services."""
    for line in ("create Sales 201 <@U0ALICE|alice> <@U0BOB|bob>", "create Support 202 @carol"):
        line = line.replace("@carol", "<@U0CAROL|carol>")
        assert "Created" in app.said(line)
    return app


def check(app: InProcess, text: str, caplog: pytest.LogCaptureFixture, user: str) -> None:
    before = len(caplog.records)
    person = app.admin if user == "admin" else app.person(user)
    reply = app.command(text, user=person, bound=HANG_BOUND)
    said = shown(reply)
    seen = said + (str(reply.view) if reply.view else "")
    context = f"/group {text[:120]!r} as @{user}"
    assert "Something went wrong" not in seen, f"{context}: {seen}"
    assert [f for f in reply.failures if f] == [], f"{context}: {reply.failures}"
    errors = [r.getMessage() for r in caplog.records[before:] if r.levelno >= logging.ERROR]
    assert errors == [], f"{context}: {errors}"
    assert said.strip() or _modal_says_something(reply), f"{context}: no reply"


def _modal_says_something(reply: Reply) -> bool:
    view: dict[str, Any] | None = reply.view
    return bool(view and view.get("blocks"))


@FUZZ
@given(text=grammar_lines, user=st.sampled_from(["admin", "admin", "admin", "bob"]))
def test_lines_built_from_the_grammar_are_answered(
    sales: InProcess, caplog: pytest.LogCaptureFixture, text: str, user: str
) -> None:
    check(sales, text, caplog, user)


@FUZZ
@given(text=any_lines)
def test_arbitrary_text_is_answered(
    sales: InProcess, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    check(sales, text, caplog, "admin")
