"""``Driver``: plays Slack's client against a Bolt app, with the emulator as Slack.

Every method returns a ``SignedRequest``: pass ``req.to_bolt()`` to ``app.dispatch`` or
post ``req.body``/``req.headers`` to a running HTTP adapter. The trigger_ids and
response_urls inside come from the emulator, so what the app does with them (open a
modal, respond) follows Slack's rules. Views are read back from the emulator, so a
submission carries the id, hash and blocks the app really sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from slackemu.payloads import (
    JSON,
    Context,
    SignedRequest,
    Signer,
    action_payload,
    app_home_opened_body,
    block_actions_payload,
    fill_state,
    find_element,
    interaction_body,
    slash_command_body,
    view_closed_payload,
    view_submission_payload,
)
from slackemu.server import SlackEmulator


class Driver:
    def __init__(self, emulator: SlackEmulator, signing_secret: str) -> None:
        self.emu = emulator
        # Bolt checks timestamps against the real clock, whatever the emulator's says.
        self.signer = Signer(signing_secret)

    def slash_command(
        self, text: str, *, user_id: str, channel_id: str, command: str = "/group"
    ) -> SignedRequest:
        body = slash_command_body(
            self._context(user_id),
            command,
            text,
            channel_id=channel_id,
            trigger_id=self.emu.issue_trigger_id(user_id),
            response_url=self.emu.issue_response_url(channel_id, user_id),
        )
        return self.signer.sign(body)

    def press_in_message(
        self, message: Mapping[str, Any], action_id: str, *, user_id: str, answer: Any = None
    ) -> SignedRequest:
        """Operate an element of ``message`` (an entry of ``emu.messages_to(channel)``)."""
        block_id, element = find_element(message.get("blocks") or [], action_id)
        channel = str(message["channel"])
        payload = block_actions_payload(
            self._context(user_id),
            action_payload(element, block_id, answer, self._now()),
            trigger_id=self.emu.issue_trigger_id(user_id),
            message=message,
            channel_id=channel,
            response_url=self.emu.issue_response_url(channel, user_id, str(message["ts"])),
        )
        return self.signer.sign(interaction_body(payload))

    def press_in_view(
        self,
        view_id: str,
        action_id: str,
        *,
        user_id: str,
        answer: Any = None,
        answers: Mapping[str, Any] | None = None,
    ) -> SignedRequest:
        """Operate an element of an open modal or home view, with ``answers`` typed so far."""
        view = self.emu.view(view_id)
        block_id, element = find_element(view["blocks"], action_id)
        view["state"] = {"values": fill_state(view, answers)}
        payload = block_actions_payload(
            self._context(user_id),
            action_payload(element, block_id, answer, self._now()),
            trigger_id=self.emu.issue_trigger_id(user_id, view_id),
            view=view,
        )
        return self.signer.sign(interaction_body(payload))

    def submit(
        self, view_id: str, answers: Mapping[str, Any] | None = None, *, user_id: str
    ) -> SignedRequest:
        """Press the modal's submit button; feed the app's answer to ``emu.resolve_submission``."""
        view = self.emu.view(view_id)
        payload = view_submission_payload(
            self._context(user_id),
            view,
            fill_state(view, answers),
            trigger_id=self.emu.issue_trigger_id(user_id, view_id),
        )
        return self.signer.sign(interaction_body(payload))

    def close(self, view_id: str, *, user_id: str) -> SignedRequest | None:
        """Dismiss a modal view: the emulator drops it, and if the view asked for it
        (``notify_on_close``) the ``view_closed`` request the app then receives."""
        view = self.emu.view(view_id)
        closed = self.emu.close_view(view_id)
        if not view.get("notify_on_close"):
            return None
        cleared = len(closed) > 1
        payload = view_closed_payload(self._context(user_id), view, is_cleared=cleared)
        return self.signer.sign(interaction_body(payload))

    def open_home(self, user_id: str) -> SignedRequest:
        body = app_home_opened_body(
            self._context(user_id),
            bot_user_id=self.emu.identity.bot_user_id,
            at=self._now(),
            view=self.emu.home_view(user_id),
        )
        return self.signer.sign(body, JSON)

    def change_usergroup(self, usergroup_id: str, users: Iterable[str]) -> SignedRequest:
        """Make ``users`` the user group's members; the ``subteam_members_changed`` event
        Slack then sends. Slack sends none when nothing changed: that is refused here."""
        body = self.emu.change_usergroup(usergroup_id, users)
        if body is None:
            raise ValueError(f"{usergroup_id} already has exactly these members: no event")
        return self.signer.sign(body, JSON)

    def url_verification(self, challenge: str = "emulator-challenge") -> SignedRequest:
        body = json.dumps({"token": "unused", "challenge": challenge, "type": "url_verification"})
        return self.signer.sign(body, JSON)

    def _context(self, user_id: str) -> Context:
        user = self.emu.workspace.directory.users.get(user_id)
        me = self.emu.identity
        name = user.name if user else user_id
        return Context(
            me.team_id, me.app_id, user_id, name, user_team=user.home_team if user else None
        )

    def _now(self) -> float:
        return self.emu.workspace.clock()
