"""The tokenizer ends on every input, and splits it faithfully.

Issue 9: an unclosed ``<`` made ``tokenize`` loop without advancing (``/group show <abc``
never ended). Every input here runs in a thread with a bound, so a loop that does not
end fails the test rather than hanging it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.grammar.args import (
    QUOTES,
    ArgError,
    Token,
    to_int,
    to_range,
    to_seconds,
    tokenize,
)
from tests.commands.inprocess import bounded

BOUND = 10.0  # seconds: a line of 15,000 characters takes milliseconds, a loop forever

# The characters that steer the tokenizer, and the ones that would trip a careless one.
TRICKY = [*list(QUOTES), "<", ">", "|", "@", "&lt;", "&gt;", "&amp;", "&", " ", "\t", "\n"]
CONTROLS = ["\x00", "\x1b", "\x7f", "\u202e", "\u2028", "\x85"]
texts = st.lists(
    st.one_of(st.sampled_from(TRICKY + CONTROLS), st.text(max_size=8)), max_size=60
).map("".join)
long_texts = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["<", "<a ", '"', "“<", "a<b"]),
    st.integers(1, 5_000),
)


def tokens_of(text: str) -> list[Token]:
    tokens, _ = bounded(lambda: tokenize(text), BOUND, text[:40])
    return tokens


def squeezed(text: str) -> str:
    """``text`` without whitespace and quote marks: what no split may lose or add."""
    return "".join(c for c in text if not c.isspace() and c not in QUOTES)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), texts, long_texts))
def test_tokenize_ends_on_any_text(text: str) -> None:
    tokens_of(text)


@settings(max_examples=300)
@given(st.one_of(st.text(), texts).filter(lambda t: "&" not in t))
def test_no_character_is_lost_or_added(text: str) -> None:
    # quotes group words and are dropped; spaces separate words (or stay inside quotes
    # and <…> markup); every other character is in exactly one word, in its order
    assert squeezed("".join(t.text for t in tokens_of(text))) == squeezed(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_characters=QUOTES + ">&")))
def test_without_quotes_or_markup_the_words_are_the_whitespace_split(text: str) -> None:
    # an unclosed "<" is an ordinary character of its word
    tokens = tokens_of(text)
    assert [t.text for t in tokens] == text.split()
    assert not any(t.quoted for t in tokens)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_characters=QUOTES + "<>&"), min_size=1).filter(
                lambda w: w.strip()
            ),
            st.booleans(),
        ),
        max_size=10,
    )
)
def test_words_come_back_as_written_quoted_or_not(words: list[tuple[str, bool]]) -> None:
    kept = [(w, True) if quote else (w, False) for w, quote in words if quote or w.split() == [w]]
    text = " ".join(f'"{w}"' if quote else w for w, quote in kept)
    assert [(t.text, t.quoted) for t in tokens_of(text)] == kept


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<abc", [("<abc", False)]),
        ("<", [("<", False)]),
        ("<<", [("<<", False)]),
        ("<@U1|a", [("<@U1|a", False)]),
        ("a <b c", [("a", False), ("<b", False), ("c", False)]),
        ("<@U1|a> <b", [("<@U1|a>", False), ("<b", False)]),
        ("<https://x.example|a link> b", [("<https://x.example|a link>", False), ("b", False)]),
        ('"unclosed', [("unclosed", True)]),
        ('"a b" c', [("a b", True), ("c", False)]),
        ("“curly words” x", [("curly words", True), ("x", False)]),
        ('"', [("", True)]),
        ("&lt;b&gt; &amp;", [("<b>", False), ("&", False)]),
        ('a"b c"d', [("ab cd", False)]),
        ("", []),
        (" \t\n ", []),
    ],
)
def test_tokenize_cases(text: str, words: list[tuple[str, bool]]) -> None:
    assert [(t.text, t.quoted) for t in tokens_of(text)] == words


@pytest.mark.parametrize(
    ("read", "refusal"),
    [
        (
            lambda: to_int("9" * 5000, "repeats", 1, 20),
            "repeats must be a whole number from 1 to 20",
        ),
        (lambda: to_int("0" * 5000 + "21", "repeats", 1, 20), "from 1 to 20"),
        (lambda: to_int("²", "repeats", 1, 20), "not '²'"),
        (lambda: to_int("-1", "repeats", 1, 20), "not '-1'"),
        (lambda: to_seconds("9" * 5000 + "s", "the window", 0, 999), "from 0 to 999"),
        (lambda: to_range("0-" + "9" * 5000, 0, 999), "start and end must be seconds"),
        (lambda: to_range("1٠-20", 0, 999), "start-end must look like 0-20"),
    ],
)
def test_numbers_are_bounded_before_they_are_converted(read: object, refusal: str) -> None:
    with pytest.raises(ArgError) as refused:
        read()  # type: ignore[operator]
    assert refusal in str(refused.value)
    assert len(str(refused.value)) < 120


def test_numbers_in_range_are_read() -> None:
    assert to_int("0020", "repeats", 1, 20) == 20
    assert to_seconds("999s", "the window", 0, 999) == 999
    assert to_range("0 – 20", 0, 999) == (0, 20)
