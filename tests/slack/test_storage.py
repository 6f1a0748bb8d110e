"""Recording storage through the real app: ``/group storage``, the Setup form saying where
reports go, and App Home's gauge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.commands.ids import Block
from bot.services import RecordingSeen
from slackemu.server import UPLOAD
from tests.slack.conftest import ADMIN, CHANNEL, MEMBER, Slack
from tests.slack.shown import block_shown, shown

GB = 1_000_000_000


def record(slack: Slack, *sizes: int) -> None:
    now = datetime.now(UTC)
    slack.services.add_recordings(
        slack.team,
        [
            RecordingSeen(f"rec-{n}", size, now - timedelta(days=n), "mp3", "pbx")
            for n, size in enumerate(sizes)
        ],
    )


def set_up(slack: Slack, channel: str | None) -> None:
    view = slack.open_modal("setup")
    answers = {Block.STORAGE_LIMIT: "50"}
    if channel:
        answers[Block.ALERT_CHANNEL] = channel
    _, outcome = slack.submit(view, answers)
    assert outcome.action == "close"


def test_setup_without_an_alert_channel_says_reports_go_nowhere(slack: Slack) -> None:
    said = slack.count("chat.postEphemeral")
    set_up(slack, None)
    notice = shown(slack.wait("chat.postEphemeral", said))
    assert "Saved the workspace setup" in notice
    assert "No alert channel is set, so the daily report and the threshold alerts go nowhere" in (
        notice
    )

    said = slack.count("chat.postEphemeral")
    set_up(slack, CHANNEL)
    notice = shown(slack.wait("chat.postEphemeral", said))
    assert f"The daily storage report and alerts go to #{CHANNEL}." in notice


def test_group_storage_shows_the_report_and_dms_the_chart(slack: Slack) -> None:
    set_up(slack, None)
    record(slack, 20 * GB, 11 * GB)
    uploads = slack.count("files.completeUploadExternal")

    reply = slack.reply("storage", user=MEMBER)

    said = shown(reply)
    assert reply["response_type"] == "ephemeral"
    assert "*31 GB of 50 GB used (62 %)*\n`████████████░░░░░░░░` 62 %\n2 recordings" in said
    assert "*Last 7 days*\n+31 GB" in said
    assert "1. _no group_: 31 GB (2 recordings)" in said
    assert "The chart of the last 30 days is in your direct messages with groupbot." in said
    assert "No alert channel is set, so the daily report and the threshold alerts go nowhere" in (
        said
    )
    done = slack.wait("files.completeUploadExternal", uploads)
    dm = "D" + MEMBER[1:]
    assert done["channel_id"] == dm
    steps = [
        c.method
        for c in slack.emu.calls()
        if c.method in ("files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal")
    ]
    assert steps == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    (chart,) = [f for f in slack.emu.files() if f.data is not None]
    assert chart.channels == [dm]
    assert chart.data is not None
    assert chart.data.startswith(b"\x89PNG")
    # nothing in the channel for everyone: only the asker sees the report
    assert [m for m in slack.emu.messages_to(CHANNEL) if not m["ephemeral_to"]] == []


def test_app_home_shows_the_gauge(slack: Slack) -> None:
    set_up(slack, CHANNEL)
    record(slack, 40 * GB)
    published = slack.count("views.publish")

    slack.send(slack.driver.open_home(ADMIN))

    slack.wait("views.publish", published)
    home = slack.emu.home_view(ADMIN)
    assert home is not None
    (storage,) = [b for b in home["blocks"] if b.get("block_id") == Block.STORAGE]
    assert block_shown(storage) == (
        "*Recording storage*\n*40 GB of 50 GB used (80 %)*\n`████████████████░░░░` 80 %"
    )
