"""An error names a group as someone typed it: only the bot's own mentions and dates stay
Slack markup in it, never a link, a broadcast or a label a name carried in."""

from __future__ import annotations

from bot.commands.views.common import escape_keeping_mentions, slack_date


def test_a_dated_link_typed_into_a_name_is_shown_as_text() -> None:
    name = "<!date^1^{date}^https://evil.example|payload>"

    said = escape_keeping_mentions(f"205 is already used by group {name}; choose a free one")

    assert "<!date" not in said
    assert "https://evil.example" in said  # shown, as text: not a link
    assert said.startswith("205 is already used by group &lt;!date")


def test_a_broadcast_or_a_link_is_shown_as_text_and_mentions_stay() -> None:
    said = escape_keeping_mentions("ask <@U0DANA> or <!channel> in <#C0HELP> <https://x.example|y>")

    assert "<@U0DANA>" in said
    assert "<#C0HELP>" in said
    assert "&lt;!channel&gt;" in said
    assert "&lt;https://x.example|y&gt;" in said


def test_the_bots_own_dates_stay_dates() -> None:
    from datetime import UTC, datetime

    when = slack_date(datetime(2026, 11, 29, 14, 0, tzinfo=UTC))

    assert escape_keeping_mentions(f"changed at {when}") == f"changed at {when}"


def test_a_user_group_mention_typed_into_a_name_is_shown_as_text() -> None:
    said = escape_keeping_mentions("Only the leads of <!subteam^S0ONCALL> can change it")

    assert "&lt;!subteam^S0ONCALL&gt;" in said
