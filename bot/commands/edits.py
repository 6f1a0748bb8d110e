"""Changes typed on the command line (``/group rename``, ``ring``, ``record``, …): the pure
change of the group, and what to say once it is saved, or that nothing needed changing.

``edit_for`` turns a parsed command into a ``LineEdit`` (the change itself is one of the
engine's, ``bot.engine.edits``); ``apply`` saves it through the services and words the
reply. Every text here is mrkdwn: names are escaped, people are mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from slack_sdk import WebClient

from bot.commands import people, views
from bot.commands.grammar import commands as c
from bot.commands.roles import Deps
from bot.commands.views import Message
from bot.commands.views.common import escape
from bot.engine import edits as e
from bot.engine.edits import Edit
from bot.engine.model import (
    DEFAULT_WINDOW,
    CallerIdPrepend,
    CallRecording,
    Group,
    NextActionKind,
    RingbackKind,
)
from bot.errors import UserError
from bot.services import Actor


@dataclass(frozen=True)
class LineEdit:
    """One command-line change: the group it names, the pure change, and the words.

    ``done(name before, group after)`` is the headline of a save that changed something;
    ``already(group)`` says that the group was as asked already.
    """

    ref: str
    change: Edit
    done: Callable[[str, Group], str]
    already: Callable[[Group], str]


def apply(edit: LineEdit, who: Actor, wired: Deps) -> Message:
    """Save ``edit`` (the services re-check rights and rules) and word the reply."""
    result = wired.services.change_group(who, edit.ref, edit.change)
    after = result.view.group
    before = result.was or after.name  # the name as stored, for "Renamed Sales → Inside Sales"
    return views.saved_message(result, edit.done(before, after), unchanged=edit.already(after))


def edit_for(command: c.Parsed, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    """The ``LineEdit`` of a subcommand that changes one group."""
    team = who.team_id

    def pbx(users: Sequence[c.UserRef]) -> list[str]:
        return people.pbx_users_named(wired.services, wired.users, client, team, users)

    def named(users: Sequence[c.UserRef]) -> dict[str, str]:
        """PBX user id → the person as the command named them."""
        return dict(zip(pbx(users), (people.mention(u) for u in users), strict=True))

    match command:
        case c.Rename(group=ref, new_name=new_name):
            return LineEdit(
                ref,
                e.edit(e.rename, new_name),
                lambda was, g: f"Renamed {_e(was)} → {_e(g.name)}.",
                lambda g: f"{_e(g.name)} is already called {_e(new_name)}.",
            )
        case c.SetRepeats(group=ref, repeats=repeats):
            return LineEdit(
                ref,
                e.edit(e.set_repeats, repeats),
                lambda was, g: f"{_e(g.name)} now rings through {_times(repeats)}.",
                lambda g: f"{_e(g.name)} already rings through {_times(repeats)}.",
            )
        case c.AddNumber(group=ref, number=number):
            return LineEdit(
                ref,
                e.edit(e.add_number, number),
                lambda was, g: f"{_e(g.name)} now answers {number}.",
                lambda g: f"{_e(g.name)} already answers {number}.",
            )
        case c.RemoveNumber(group=ref, number=number):
            return LineEdit(
                ref,
                e.edit(e.remove_number, number),
                lambda was, g: f"{_e(g.name)} no longer answers {number}.",
                lambda g: f"{_e(g.name)} does not answer {number}.",
            )
        case c.AddMembers(group=ref, users=users):
            added = named(users)
            who_ = people.mentions(users)
            return LineEdit(
                ref,
                e.edit(e.add_members, added),
                lambda was, g: f"Added {who_} to {_e(g.name)}.",
                lambda g: f"{who_} already in {_e(g.name)}.",
            )
        case c.RemoveMembers(group=ref, users=users):
            removed = named(users)
            who_ = people.mentions(users)
            return LineEdit(
                ref,
                e.edit(e.remove_members, removed),
                lambda was, g: f"Removed {who_} from {_e(g.name)}.",
                lambda g: f"{who_} not in {_e(g.name)}.",
            )
        case c.Ring(group=ref, user=user, start=start, end=end):
            (uid,) = pbx((user,))
            who_rings, when = people.mention(user), f"{start}–{end} s"
            return LineEdit(
                ref,
                e.edit(e.ring, uid, who_rings, start, end),
                lambda was, g: f"{who_rings} now rings {when} in {_e(g.name)}.",
                lambda g: f"{who_rings} already rings {when} in {_e(g.name)}.",
            )
        case c.Distribute(group=ref, seconds=seconds):
            # 0 is a window too (the engine says it is too short), not "the default"
            span = DEFAULT_WINDOW if seconds is None else seconds
            return LineEdit(
                ref,
                e.edit(e.distribute, span),
                lambda was, g: f"Spread the members of {_e(g.name)} over {span} s.",
                lambda g: f"The members of {_e(g.name)} are already spread over {span} s.",
            )
        case c.SetRecording() as rec:
            if rec.to_groupbot:
                url = wired.services.recording_url_for(who.team_id, rec.group)
                rec = replace(rec, url=url, to_groupbot=False)
            if rec.enabled:
                return LineEdit(
                    rec.group,
                    _recording(rec),
                    lambda was, g: f"{_e(g.name)} now records calls ({_recording_words(g)}).",
                    lambda g: f"{_e(g.name)} already records calls ({_recording_words(g)}).",
                )
            return LineEdit(
                rec.group,
                _recording(rec),
                lambda was, g: f"{_e(g.name)} no longer records calls.",
                lambda g: f"{_e(g.name)} already does not record calls.",
            )
        case c.SetRingback(group=ref, kind=kind, media=media):
            heard = f"media “{_e(media)}”" if media else _RINGBACK_WORDS[kind]
            return LineEdit(
                ref,
                e.edit_in(e.set_ringback, kind, media),
                lambda was, g: f"Callers to {_e(g.name)} now hear {heard}.",
                lambda g: f"Callers to {_e(g.name)} already hear {heard}.",
            )
        case c.SetNextAction(group=ref) as nxt:
            user_id = pbx((nxt.user,))[0] if nxt.user else None
            goes = _next_words(nxt)
            return LineEdit(
                ref,
                e.edit_in(e.set_next_action, nxt.kind, nxt.target, user_id),
                lambda was, g: f"Unanswered calls to {_e(g.name)} now go to {goes}.",
                lambda g: f"Unanswered calls to {_e(g.name)} already go to {goes}.",
            )
        case c.SetForward(group=ref, allow=allow):
            verb = "allows" if allow else "denies"
            return LineEdit(
                ref,
                e.edit(e.set_forward, allow),
                lambda was, g: f"{_e(g.name)} now {verb} call-forward.",
                lambda g: f"{_e(g.name)} already {verb} call-forward.",
            )
        case c.SetPrepend() as pre:
            if pre.enabled:
                return LineEdit(
                    pre.group,
                    _prepend(pre),
                    lambda was, g: f"{_e(g.name)} now prepends {_prefix_words(g)}.",
                    lambda g: f"{_e(g.name)} already prepends {_prefix_words(g)}.",
                )
            return LineEdit(
                pre.group,
                _prepend(pre),
                lambda was, g: f"{_e(g.name)} no longer prepends to the caller ID.",
                lambda g: f"{_e(g.name)} already does not prepend to the caller ID.",
            )
    raise UserError(f"/group {command.subcommand} cannot be run here.")


# ---------------------------------------------------------------- words


def _e(text: str) -> str:
    return escape(text)


def _times(repeats: int) -> str:
    return "once" if repeats == 1 else f"{repeats} times"


def _recording_words(group: Group) -> str:
    rec: CallRecording = group.features.call_recording
    where = f", sent to {_e(rec.url)}" if rec.url else ""
    return f"{rec.format.value}, up to {rec.time_limit} s{where}"


_RINGBACK_WORDS = {
    RingbackKind.DEFAULT: "the default ringing",
    RingbackKind.SILENCE: "silence",
    RingbackKind.MEDIA: "a media file",
}

_NEXT_WORDS = {
    NextActionKind.VOICEMAIL: "voicemail box",
    NextActionKind.DEVICE: "device",
    NextActionKind.MENU: "menu",
    NextActionKind.GROUP: "group",
}


def _next_words(command: c.SetNextAction) -> str:
    if command.kind is NextActionKind.NONE:
        return "the “not available” prompt"
    if command.kind is NextActionKind.USER:
        return people.mention(command.user)
    return f"{_NEXT_WORDS[command.kind]} “{_e(command.target or '')}”"


def _prefix_words(group: Group) -> str:
    """``name “Sales: ”, number “+1”``: the prefixes exactly, spaces included."""
    prepend: CallerIdPrepend = group.features.caller_id_prepend
    parts = [
        f"{label} “{_e(value)}”"
        for label, value in (("name", prepend.name_prefix), ("number", prepend.number_prefix))
        if value
    ]
    return ", ".join(parts) or "nothing"


def _recording(command: c.SetRecording) -> Edit:
    return e.edit(e.set_recording, command.enabled, command.format, command.time_limit, command.url)


def _prepend(command: c.SetPrepend) -> Edit:
    return e.edit(e.set_prepend, command.enabled, command.name_prefix, command.number_prefix)
