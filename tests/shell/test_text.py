"""text.py: Slack mrkdwn as terminal text."""

from __future__ import annotations

from bot.shell.text import Style, mrkdwn


def test_mrkdwn_links_mentions_channels_and_escapes() -> None:
    text = (
        "<@U1|alice> and <@U2> in <#C1|general> or <#C2>: see <https://x.test/a|the docs>, "
        "<https://x.test/b>, <mailto:a@b.test|mail> <!here> &lt;tag&gt; &amp; :tada: :unknown:"
    )

    shown = mrkdwn(text, Style(names={"U2": "bob"}, channels={"C2": "ops"}))

    assert shown == (
        "@alice and @bob in #general or #ops: see the docs (https://x.test/a), "
        "https://x.test/b, mail (mailto:a@b.test) @here <tag> & 🎉 :unknown:"
    )


def test_mrkdwn_keeps_code_verbatim() -> None:
    text = 'Run `*not bold*` then:\n```{"a": "<b>"}\n*x*```\nafter *bold*'

    assert mrkdwn(text) == 'Run *not bold* then:\n    {"a": "<b>"}\n    *x*\nafter bold'


def test_bold_needs_word_boundaries() -> None:
    assert mrkdwn("2*3*4 and *5 * 6*") == "2*3*4 and *5 * 6*"
