"""Recording storage on Slack: ``/group storage`` (the report, ephemeral, its chart by
direct message), and the notifier that posts the daily report and the threshold alerts
to a workspace's alert channel with that workspace's bot token."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import tell, views
from bot.commands.views import storage, storage_chart
from bot.services import NotDelivered, StorageAlert, StorageReport

log = logging.getLogger(__name__)

ClientFor = Callable[[str], WebClient]
"""A team id's WebClient, with its bot token; raises ``NotDelivered`` when there is none."""


def chart_name(report: StorageReport) -> str:
    return f"recording-storage-{report.at:%Y-%m-%d}.png"


def send_chart(client: WebClient, user_id: str, report: StorageReport) -> None:
    """``/group storage``'s chart in the user's direct messages with the app."""
    said = views.done_message("📈 Recording storage, the last 30 days:")
    png = storage_chart.render_png(report)
    tell.send_picture(client, user_id, said, png, chart_name(report), storage.chart_title(report))


class SlackStorageNotifier:
    """``services.StorageNotifier`` over Slack's Web API."""

    def __init__(self, client_for: ClientFor) -> None:
        self._client_for = client_for

    def post_report(self, report: StorageReport) -> None:
        channel = report.alert_channel
        assert channel is not None
        client = self._client_for(report.team_id)
        try:
            client.chat_postMessage(channel=channel, **storage.report_message(report))
            client.files_upload_v2(
                channel=channel,
                content=storage_chart.render_png(report),
                filename=chart_name(report),
                title=storage.chart_title(report),
            )
        except SlackApiError as error:
            raise NotDelivered(str(error.response.get("error"))) from error
        except OSError as error:  # Slack unreachable (after the client's own retries)
            raise NotDelivered(str(error)) from error

    def post_alert(self, alert: StorageAlert) -> None:
        client = self._client_for(alert.team_id)
        try:
            client.chat_postMessage(channel=alert.alert_channel, **storage.alert_message(alert))
        except SlackApiError as error:
            raise NotDelivered(str(error.response.get("error"))) from error
        except OSError as error:
            raise NotDelivered(str(error)) from error
