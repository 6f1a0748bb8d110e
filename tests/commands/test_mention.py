"""A stored lead is shown as a mention only when it is a Slack user id."""

from __future__ import annotations

from bot.commands.people import mention, mentions


def test_a_user_id_is_a_mention_and_anything_else_is_plain_text() -> None:
    assert mention("U0123ABCD") == "<@U0123ABCD>"
    assert mentions(["UBOSS", "<!channel>", "U1>|x"]) == "<@UBOSS>, &lt;!channel&gt;, U1&gt;|x"
