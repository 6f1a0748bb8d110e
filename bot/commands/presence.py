"""Pausing and resuming from Slack: ``/group pause`` and ``/group resume``, the Confirm
button under the last-member warning, and App Home's Pause and Resume buttons.

The services check rights and rules; here the Slack user becomes a PBX user, a pause's
words become a moment in the paused person's Slack time zone, and the reply names that
moment on the reader's own clock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import people, roles, views
from bot.commands.chained_call import slack_user_of
from bot.commands.edits import pbx_users
from bot.commands.grammar.commands import UserRef
from bot.commands.ids import Block
from bot.commands.roles import Deps
from bot.commands.tell import tell
from bot.commands.views import GroupRef, Message
from bot.commands.views.common import escape, escape_keeping_mentions, typed_ref
from bot.commands.views.presence import (
    ConfirmPause,
    MyGroup,
    confirm_pause,
    names_of,
    pause_mark,
    plain,
)
from bot.engine.changes import describe_next_action, names_in
from bot.engine.clock_words import until_words
from bot.engine.model import Group
from bot.engine.presence import pause_end
from bot.errors import UserError
from bot.services import Actor, PresenceResult, SaveResult


@dataclass(frozen=True)
class PauseRequest:
    """What a Confirm button pauses: checked again, rights and versions, when pressed."""

    ref: str
    member: str | None  # PBX user id; None: whoever presses (only they were asked)
    until: int  # Unix seconds
    versions: dict[str, int] = field(default_factory=dict)  # PBX group id → version asked at
    slack: str | None = None  # the member's Slack user, as the command named them

    def encode(self) -> str:
        return json.dumps(
            {
                "ref": self.ref,
                "member": self.member,
                "until": self.until,
                "v": self.versions,
                "slack": self.slack,
            }
        )

    @classmethod
    def decode(cls, value: object) -> PauseRequest:
        try:
            data = json.loads(value) if isinstance(value, str) and len(value) <= 2000 else None
            if not isinstance(data, dict):
                raise ValueError(value)
            member, slack = data.get("member"), data.get("slack")
            return cls(
                ref=str(data["ref"]),
                member=str(member) if member else None,
                until=int(data["until"]),
                versions={str(k): int(v) for k, v in dict(data.get("v") or {}).items()},
                slack=str(slack) if slack else None,
            )
        except (ValueError, TypeError, KeyError, RecursionError):
            raise UserError(
                "This Confirm button is damaged or from an older groupbot; run /group pause again."
            ) from None


def known_group(who: Actor, wired: Deps, ref: str) -> None:
    """A NotFound ("Did you mean 'Sales'?") for a mistyped group, before anything about
    a person the command names: the typo is what to fix first."""
    if ref.casefold() != "all":
        wired.services.get_group(who.team_id, ref)


def time_zone(who: Actor, wired: Deps, client: WebClient, user: str | None = None) -> str | None:
    """``user``'s Slack time zone (the actor's when None); users.info, cached."""
    return wired.users.get(client, who.team_id, user or who.user_id).tz


def pause(
    who: Actor,
    wired: Deps,
    client: WebClient,
    ref: str,
    user: UserRef | None,
    words: str | None,
) -> Message:
    """``/group pause``: written at once, or (the last member who would ring) a warning
    with a Confirm button, and nothing written."""
    now = datetime.now(UTC)
    if user is not None:
        known_group(who, wired, ref)
    member, person = _member(who, wired, client, user)
    until = pause_end(words, now, time_zone(who, wired, client, person))
    result = wired.services.pause(who, ref, until, member, time_zone=time_zone(who, wired, client))
    if result.needs_confirmation:
        versions = dict(result.versions)
        request = PauseRequest(ref, member, int(until.timestamp()), versions, person)
        return confirm_pause(ConfirmPause(result.warning, request.encode()))
    return _paused_reply(who, wired, client, result, ref, user, now, confirmed=False)


def confirm_pressed(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    context: BoltContext,
) -> None:
    """Confirm under the last-member warning (after the ack): the reply takes the
    warning's place, and App Home shows the pause."""
    from bot.commands import home  # App Home republishes through this module

    who = roles.actor(context, client, body)
    message = confirmed(who, roles.deps(context), client, action.get("value"))
    if respond is not None and respond.response_url:
        respond(**message, response_type="ephemeral", replace_original=True)
    else:
        tell(client, who.user_id, message)
    home.publish(client, context, who)


def asks_to_confirm(message: Message) -> bool:
    return any(b.get("block_id") == Block.PAUSE_CONFIRM for b in message["blocks"])


def confirmed(who: Actor, wired: Deps, client: WebClient, value: object) -> Message:
    """The Confirm button: the same pause, if nothing changed since the warning."""
    request = PauseRequest.decode(value)
    now = datetime.now(UTC)
    until = datetime.fromtimestamp(request.until, UTC)
    result = wired.services.pause(
        who, request.ref, until, request.member, confirmed=True, warned=request.versions
    )
    user = None
    if request.member is not None:
        # the person as the command named them (a PBX user found by email has no link),
        # believed only when that Slack user is this PBX user: the button's value is the
        # presser's to forge, and a DM goes to whoever it names
        slack = request.slack if _is_them(who, wired, client, request) else None
        slack = slack or wired.services.linked_slack_user(who.team_id, request.member)
        user = UserRef(slack) if slack else None
    return _paused_reply(who, wired, client, result, request.ref, user, now, confirmed=True)


def resume(who: Actor, wired: Deps, client: WebClient, ref: str, user: UserRef | None) -> Message:
    if user is not None:
        known_group(who, wired, ref)
    member, _ = _member(who, wired, client, user)
    result = wired.services.resume(who, ref, member)
    subject = _subject(who, user)
    if user is not None and user.user_id and subject != "You" and _changed(result.saved):
        _tell_them(
            client,
            user.user_id,
            f"<@{who.user_id}> resumed you in {names_of(result.groups)}: your phones ring again.",
        )
    verb = "ring" if subject == "You" else "rings"
    said = f"{subject} {verb} again in {names_of(result.groups)}.{_left_alone(result)}"
    return _saved(result.saved, said)


def home_pause(who: Actor, wired: Deps, client: WebClient, ref: str, hour: bool) -> Message:
    """App Home's Pause 1 h and Pause until tomorrow 09:00, for the viewer themselves."""
    words = "for 1h" if hour else "until tomorrow"
    return pause(who, wired, client, ref, None, words)


def home_resume(who: Actor, wired: Deps, client: WebClient, ref: str) -> Message:
    return resume(who, wired, client, ref, None)


def my_groups(who: Actor, wired: Deps, client: WebClient) -> list[MyGroup]:
    """The groups the viewer rings in (none when they have no PBX user), for App Home."""
    now, tz = datetime.now(UTC), time_zone(who, wired, client)
    return [
        MyGroup(
            group.id,
            group.name,
            pause_mark(group.paused_until, now, tz),
            GroupRef(group.id, group.version, group.extension).encode(),
        )
        for group in wired.services.my_groups(who)
    ]


# ---------------------------------------------------------------- inside


def _member(
    who: Actor, wired: Deps, client: WebClient, user: UserRef | None
) -> tuple[str | None, str | None]:
    """The PBX user a command names (None: the actor), and their Slack id when known."""
    if user is None:
        return None, None
    (member,) = pbx_users((user,), who, wired, client)
    return member, user.user_id


def _is_them(who: Actor, wired: Deps, client: WebClient, request: PauseRequest) -> bool:
    if not request.slack:
        return False
    try:
        return _member(who, wired, client, UserRef(request.slack))[0] == request.member
    except UserError:
        return False


def _changed(saved: Sequence[SaveResult]) -> bool:
    """Whether anything was written: a DM says what changed, never a no-op."""
    return any(result.summary != "no change" for result in saved)


def _subject(who: Actor, user: UserRef | None) -> str:
    if user is None or user.user_id == who.user_id:
        return "You"
    return people.mention(user)


def _paused_reply(
    who: Actor,
    wired: Deps,
    client: WebClient,
    result: PresenceResult,
    ref: str,
    user: UserRef | None,
    now: datetime,
    *,
    confirmed: bool,
) -> Message:
    subject = _subject(who, user)
    whom = "you" if subject == "You" else subject
    assert result.until is not None
    tz = time_zone(who, wired, client)
    when = until_words(result.until, now, tz)
    # the name as stored, so the command works when copied (an extension, from App
    # Home's buttons, or a name typed in another case would too, but reads worse)
    typed = typed_ref(result.groups[0]) if len(result.groups) == 1 else escape(ref)
    back = f"/group resume {typed}" + ("" if whom == "you" else f" {whom}")
    if not _changed(result.saved):
        # the same end as before: nothing to write, and nothing to tell them
        already = "You are" if whom == "you" else f"{whom} is"
        return plain(
            f"{already} already paused in {names_of(result.groups)} until {when} (your "
            f"time). {back} {'to come back' if whom == 'you' else 'brings them back sooner'}."
            + _left_alone(result)
        )
    instead = ""
    if result.was is not None and result.was != result.until:
        # a pause already running is replaced, not added to: say which one it was
        instead = f", in place of the pause until {until_words(result.was, now, tz)}"
    headline = f"Paused {whom} in {names_of(result.groups)} until {when} (your time{instead}); "
    if confirmed:
        headline += _where_calls_go(who, wired, result.saved, now)
    else:
        headline += "calls ring the others."
    comes = "to come back." if whom == "you" else "brings them back sooner."
    if user is not None and user.user_id and whom != "you" and _changed(result.saved):
        # their own clock, and the command without a mention: it is theirs to type
        their_tz = time_zone(who, wired, client, user.user_id)
        theirs = until_words(result.until, now, their_tz)
        replaced = (
            f", in place of your pause until {until_words(result.was, now, their_tz)}"
            if result.was is not None and result.was != result.until
            else ""
        )
        _tell_them(
            client,
            user.user_id,
            f"<@{who.user_id}> paused you in {names_of(result.groups)} until {theirs} "
            f"(your time{replaced}); /group resume {typed} to come back.",
        )
    return _saved(result.saved, f"{headline} {back} {comes}{_left_alone(result)}")


def tell_pauses_undone(
    who: Actor, wired: Deps, client: WebClient, before: Group, result: SaveResult
) -> None:
    """An undo that paused or resumed someone tells them, as ``/group pause`` and
    ``/group resume`` do: their phones changed without them typing anything."""
    if not _changed([result]):
        return
    after, now = result.view.group, datetime.now(UTC)
    name, typed = names_of([after.name]), typed_ref(after.name)
    changed = [
        (old, member)
        for member in after.members
        if (old := before.member(member.user_id)) and old.paused_until != member.paused_until
    ]
    if not changed:
        return
    directory = wired.services.directory(who.team_id)
    for old, member in changed:
        # linked in the directory, else found by email (users.lookupByEmail, cached)
        found = slack_user_of(
            wired.services, wired.users, client, who.team_id, directory, member.user_id
        )
        slack = found.get(member.user_id)
        if not slack or slack == who.user_id:
            continue
        if member.paused_until is not None and member.paused_at(now):
            theirs = until_words(member.paused_until, now, time_zone(who, wired, client, slack))
            text = (
                f"<@{who.user_id}> undid a change to {name}: you are paused there until "
                f"{theirs} (your time); /group resume {typed} to come back."
            )
        elif old.paused_at(now):
            text = f"<@{who.user_id}> undid your pause in {name}: your phones ring again."
        else:
            continue
        _tell_them(client, slack, text)


def _left_alone(result: PresenceResult) -> str:
    """``all``: the groups that changed meanwhile and were left as they were, and why."""
    return "".join(
        f"\n⚠ {escape(name)} was left as it was: {escape_keeping_mentions(why)}"
        for name, why in result.skipped
    )


def _tell_them(client: WebClient, user_id: str, text: str) -> None:
    """A direct message to the person paused or resumed by someone else: their phones
    changed without them typing anything."""
    tell(client, user_id, plain(text))


def _where_calls_go(who: Actor, wired: Deps, saved: Sequence[SaveResult], now: datetime) -> str:
    names = names_in(wired.services.directory(who.team_id))
    empty = [r.view.group for r in saved if all(m.paused_at(now) for m in r.view.group.members)]
    if not empty:
        return "calls ring the others."
    goes = "; ".join(
        f"calls to {escape(g.name)} go straight to the "
        f"{escape(describe_next_action(g.features.next_action, names))}"
        for g in empty
    )
    return f"nobody else rings, so {goes}."


def _saved(saved: Sequence[SaveResult], headline: str) -> Message:
    if len(saved) == 1:
        return views.saved_message(saved[0], headline)
    return plain(f"✅ {headline}")


def group_ref_of(action: dict[str, Any]) -> str:
    """The group a My groups button acts on (its extension: names change)."""
    try:
        return GroupRef.decode(str(action.get("value"))).ref
    except (ValueError, TypeError, KeyError, RecursionError):
        raise UserError(
            "This button is damaged or from an older groupbot; open App Home again."
        ) from None
