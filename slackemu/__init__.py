"""A local emulator of Slack's Web API, for tests and ``groupbot shell``.

    with SlackEmulator() as emu:
        emu.add_user("U0ALICE", "alice", "alice@example.com", is_admin=True)
        oncall = emu.add_usergroup("oncall", ["U0ALICE"])
        client = WebClient(base_url=emu.base_url, token="xoxb-test")

``checks.check_view`` / ``checks.check_message`` validate Block Kit payloads as Slack
would; ``payloads`` builds what Slack's client sends; ``Driver`` combines the two
with a running emulator to drive a Bolt app.
"""

from slackemu.checks import check_message, check_view
from slackemu.driver import Driver
from slackemu.payloads import (
    Context,
    Field,
    SignedRequest,
    Signer,
    fill_state,
    input_fields,
)
from slackemu.server import SlackEmulator
from slackemu.state import DEFAULT_BOT_SCOPES, Call, Identity, ManualClock
from slackemu.views import SubmissionOutcome

__all__ = [
    "DEFAULT_BOT_SCOPES",
    "Call",
    "Context",
    "Driver",
    "Field",
    "Identity",
    "ManualClock",
    "SignedRequest",
    "Signer",
    "SlackEmulator",
    "SubmissionOutcome",
    "check_message",
    "check_view",
    "fill_state",
    "input_fields",
]
