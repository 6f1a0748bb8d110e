"""The Slack side of the shell: the real Bolt app, driven through signed requests, against
the built-in Web API emulator.

Every line becomes the request body Slack would post (``slackemu.payloads``), signed
with the app's secret and handed to ``app.dispatch``, the path a real request takes
after the HTTP adapter. What the app does in answer is read back from where Slack would
show it: the HTTP body of the ack (a command's ephemeral reply, a modal's
``response_action``), the messages the emulator received (``respond()``,
``chat.postMessage``/``postEphemeral``, ``chat.update``, file shares) and the user's
modal stack (``views.open``/``update``/``push``).

The app runs its work after ``ack()`` on the shell's executor (``observe.Watch``, given to
``create_app``), so the shell waits for that work before it reads what came back.

How the shell knows that an interaction failed:

- the app answered with an HTTP status other than 200, or Slack would have refused its
  answer ("We had some trouble connecting": a bad ``response_action``, a stray error key);
- a modal submission came back with ``response_action: errors``;
- an exception reached the app's error handler (the ``Watch``'s witness hears of each,
  raised before ``ack()`` or after it);
- the app sent an error message (``bot.shell.replies.is_error_message``): one whose
  blocks carry the error marker, as every reply of ``bot.commands``' error path does
  (a ``UserError``, a usage line, a refusal or a bug's reference id), whether through the
  ack, ``respond()`` or a direct message;
- a modal that only refuses (``bot.shell.replies.is_refusal``), counted by the form.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltResponse

from bot.errors import UserError
from bot.shell.forms import Form, Question
from bot.shell.observe import Watch
from bot.shell.render import Choice
from bot.shell.replies import HOME, Posted, Reply, is_error_message
from bot.shell.workspace import Channel, Person, UserGroup, Workspace
from slackemu.payloads import (
    JSON,
    Context,
    SignedRequest,
    Signer,
    app_home_opened_body,
    block_actions_payload,
    interaction_body,
    slash_command_body,
    view_closed_payload,
    view_submission_payload,
)
from slackemu.server import SlackEmulator

COMMAND = "/group"
# A listener still busy after this long is reported, and the shell goes on.
WORK_TIMEOUT = 60.0


@dataclass(frozen=True)
class _Seen:
    """What the acting user could see before an interaction."""

    messages: dict[tuple[str, str], tuple[str, str, bool]]  # (channel, ts) -> content
    top: tuple[str, str] | None  # (view id, hash) of the modal on top
    files: frozenset[str]


class EmulatedChat:
    """:class:`bot.shell.session.Chat` over a running :class:`SlackEmulator` and a Bolt app."""

    def __init__(
        self,
        emulator: SlackEmulator,
        app: App,
        signing_secret: str,
        *,
        people: Sequence[Person],
        channel: Channel,
        files_dir: Path | None = None,
        watch: Watch | None = None,
    ) -> None:
        """``watch``: what ``app`` was built with (``create_app``'s ``after_ack`` and
        ``witness``); without one, the app is taken to finish its work before answering."""
        self.emulator = emulator
        self.app = app
        self.signer = Signer(signing_secret)
        self.channel = channel
        self.files_dir = files_dir
        self._workspace = Workspace(
            people=tuple(people), channels=(channel,), current_channel=channel.channel_id
        )
        watch = watch or Watch()
        self._pool, self._witness = watch.executor, watch.witness

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    # -- interactions ------------------------------------------------------------------

    def command(self, user: Person, text: str) -> Reply:
        body = slash_command_body(
            self._context(user),
            COMMAND,
            text,
            channel_id=self.channel.channel_id,
            channel_name=self.channel.name,
            trigger_id=self.emulator.issue_trigger_id(user.user_id),
            response_url=self.emulator.issue_response_url(self.channel.channel_id, user.user_id),
        )
        return self._exchange(user, self.signer.sign(body), ack_message=True)

    def press(self, user: Person, choice: Choice, where: Posted | Form) -> Reply:
        action = {**choice.action(), "action_ts": f"{time.time():.6f}"}
        if isinstance(where, Form):
            view = where.submitted_view()
            payload = block_actions_payload(
                self._context(user),
                action,
                trigger_id=self.emulator.issue_trigger_id(user.user_id, str(view.get("id"))),
                view=view,
            )
        elif where.channel == HOME:
            home = self.emulator.home_view(user.user_id) or {}
            payload = block_actions_payload(
                self._context(user),
                action,
                trigger_id=self.emulator.issue_trigger_id(user.user_id),
                view=home,
            )
        else:
            channel = where.channel or self.channel.channel_id
            message = {**where.message, "ts": where.ts}
            payload = block_actions_payload(
                self._context(user),
                action,
                trigger_id=self.emulator.issue_trigger_id(user.user_id),
                message=message,
                channel_id=channel,
                response_url=self.emulator.issue_response_url(channel, user.user_id, where.ts),
            )
            if where.ephemeral:
                payload["container"]["is_ephemeral"] = True
        shown_before = self.emulator.home_view(user.user_id)
        reply = self._exchange(user, self.signer.sign(interaction_body(payload)))
        if not isinstance(where, Form) and where.channel == HOME:
            # a Home button that redraws the tab: show it as Slack would, without a /home
            redrawn = self.emulator.home_view(user.user_id)
            if redrawn is not None and redrawn != shown_before:
                shown = {"blocks": redrawn.get("blocks") or []}
                reply.posted.append(Posted(shown, channel=HOME))
        return reply

    def view_action(self, user: Person, form: Form, question: Question) -> Reply:
        value = {k: v for k, v in form.current(question).items() if k != "type"}
        action = {
            "type": question.kind,
            "block_id": question.block_id,
            "action_id": question.action_id,
            "action_ts": f"{time.time():.6f}",
            **value,
        }
        view = form.submitted_view()
        payload = block_actions_payload(
            self._context(user),
            action,
            trigger_id=self.emulator.issue_trigger_id(user.user_id, str(view.get("id"))),
            view=view,
        )
        return self._exchange(user, self.signer.sign(interaction_body(payload)))

    def submit(self, user: Person, form: Form) -> Reply:
        view_id = str(form.view.get("id"))
        payload = view_submission_payload(
            self._context(user),
            form.view,
            form.state()["values"],
            trigger_id=self.emulator.issue_trigger_id(user.user_id, view_id),
        )
        return self._exchange(user, self.signer.sign(interaction_body(payload)), submitted=view_id)

    def close(self, user: Person, view: Mapping[str, Any]) -> Reply:
        reply = Reply()
        if view.get("notify_on_close"):
            payload = view_closed_payload(self._context(user), view)
            reply = self._exchange(user, self.signer.sign(interaction_body(payload)))
        self.emulator.close_view(str(view.get("id")))
        reply.view, reply.closed = None, True
        return reply

    def home(self, user: Person) -> Reply:
        """The user opens the app's Home tab (``app_home_opened``)."""
        body = app_home_opened_body(
            self._context(user),
            bot_user_id=self.emulator.identity.bot_user_id,
            at=time.time(),
            view=self.emulator.home_view(user.user_id),
        )
        reply = self._exchange(user, self.signer.sign(body, JSON))
        home = self.emulator.home_view(user.user_id)
        if home is not None:
            reply.posted.append(Posted({"blocks": home.get("blocks") or []}, channel=HOME))
        return reply

    def set_usergroup(self, user: Person, handle: str, members: Sequence[Person]) -> Reply:
        """A user group's members as an admin sets them in Slack. A new group is only
        created (Slack's ``subteam_created`` is no event the app asks for); a changed one
        reaches the app as ``subteam_members_changed``, unless nothing changed."""
        ids = [person.user_id for person in members]
        known = self._workspace.usergroup(handle)
        if known is None:
            group_id = self.emulator.add_usergroup(handle, ids)
            groups = (*self._workspace.usergroups, UserGroup(group_id, handle))
            self._workspace = replace(self._workspace, usergroups=groups)
            return Reply()
        body = self.emulator.change_usergroup(known.usergroup_id, ids)
        if body is None:
            return Reply()
        return self._exchange(user, self.signer.sign(body, JSON))

    # -- one request, and what came of it ---------------------------------------------

    def _exchange(
        self,
        user: Person,
        request: SignedRequest,
        *,
        ack_message: bool = False,
        submitted: str | None = None,
    ) -> Reply:
        before = self._seen(user)
        errors_before = len(self._witness.errors)
        response = self.app.dispatch(request.to_bolt())
        reply = Reply()
        outcome = None
        if submitted is not None and response.status == 200:
            # Slack applies the ack as soon as it arrives, before any later API call.
            outcome = self.emulator.resolve_submission(submitted, response.body)
        if not self._pool.wait_idle(WORK_TIMEOUT):
            reply.failures.append(f"the app was still working after {WORK_TIMEOUT:.0f} s")
        if response.status != 200:
            reply.failures.append(f"the app answered HTTP {response.status}: {response.body}")
        self._collect(user, before, reply)
        ack = _ack_message(response) if ack_message and response.status == 200 else None
        if ack is not None:
            posted = Posted(
                ack,
                channel=self.channel.channel_id,
                ephemeral=ack.get("response_type") != "in_channel",
                ts=self._store_ack(user, ack),
                error=is_error_message(ack),
            )
            reply.posted.insert(0, posted)
        if any(posted.error for posted in reply.posted):
            reply.failures.append("")  # the message itself says what went wrong
        if outcome is not None:
            reply.field_errors = dict(outcome.errors)
            for problem in outcome.problems:
                reply.failures.append(
                    f"Slack would show “We had some trouble connecting”: {problem}"
                )
        self._views(user, before, reply, submitted)
        for error in self._witness.since(errors_before):
            # The app has told the user (its error handler's reply is printed above);
            # an empty reason only marks the command as failed.
            reply.failures.append("" if isinstance(error, UserError) else f"{error!r}")
        if reply.failures.count("") > 1:
            reply.failures = [f for f in reply.failures if f] + [""]
        return reply

    def _store_ack(self, user: Person, message: Mapping[str, Any]) -> str | None:
        """Slack shows a command's ack body as an ephemeral message; keep it so a button on
        it can be pressed and ``replace_original`` can rewrite it."""
        ephemeral_to = None if message.get("response_type") == "in_channel" else user.user_id
        try:
            stored = self.emulator.workspace.post(
                self.channel.channel_id, message, "ack", ephemeral_to=ephemeral_to
            )
        except Exception:  # an ack the emulator refuses is still shown; it just is not stored
            return None
        return stored.ts

    def _seen(self, user: Person) -> _Seen:
        messages = {
            (m.channel, m.ts): (m.text, json.dumps(m.blocks, sort_keys=True), m.deleted)
            for m in list(self.emulator.workspace.messages)
            if m.ephemeral_to in (None, user.user_id)
        }
        stack = self.emulator.open_views(user.user_id)
        top = (str(stack[-1]["id"]), str(stack[-1]["hash"])) if stack else None
        files = frozenset(f.id for f in self.emulator.files() if f.data is not None)
        return _Seen(messages, top, files)

    def _collect(self, user: Person, before: _Seen, reply: Reply) -> None:
        for message in list(self.emulator.workspace.messages):
            if message.ephemeral_to not in (None, user.user_id):
                continue
            key = (message.channel, message.ts)
            content = (message.text, json.dumps(message.blocks, sort_keys=True), message.deleted)
            if before.messages.get(key) == content:
                continue
            shown = {"text": message.text, "blocks": message.blocks}
            reply.posted.append(
                Posted(
                    shown,
                    channel=message.channel,
                    ts=message.ts,
                    ephemeral=message.ephemeral_to is not None,
                    replaced=key in before.messages,
                    deleted=message.deleted,
                    files=tuple(self._file_note(file) for file in message.files),
                    error=not message.deleted and is_error_message(shown),
                )
            )

    def _file_note(self, file: Mapping[str, Any]) -> str:
        upload = next((u for u in self.emulator.files() if u.id == file.get("id")), None)
        name = str(file.get("name") or file.get("title") or "file")
        if upload is None or upload.data is None or self.files_dir is None:
            return f"📎 {name}"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"{upload.id}-{Path(name).name}"
        path.write_bytes(upload.data)
        return f"📎 {name} ({len(upload.data):,} bytes) saved to {path}"

    def _views(self, user: Person, before: _Seen, reply: Reply, submitted: str | None) -> None:
        stack = self.emulator.open_views(user.user_id)
        if not stack:
            reply.closed = before.top is not None
            return
        top = stack[-1]
        if reply.field_errors:
            return
        changed = before.top != (str(top["id"]), str(top["hash"]))
        # after a submit, a different view on top is the one under a pushed view that closed
        if changed or (submitted is not None and top["id"] != submitted):
            reply.view = top

    def _context(self, user: Person) -> Context:
        identity = self.emulator.identity
        return Context(
            team_id=identity.team_id,
            api_app_id=identity.app_id,
            user_id=user.user_id,
            user_name=user.handle,
            team_domain=identity.team_name,
        )


def _ack_message(response: BoltResponse) -> dict[str, Any] | None:
    """The ephemeral reply a command's ack body makes: bare text or message JSON."""
    body = response.body or ""
    if not body.strip():
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"text": body}
    if isinstance(parsed, dict) and ("text" in parsed or "blocks" in parsed):
        return parsed
    return {"text": body}
