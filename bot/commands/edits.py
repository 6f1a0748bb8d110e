"""Changes typed on the command line (``/group rename``, ``ring``, ``record``, …): the pure
change of the group, and what to say once it is saved, or that nothing needed changing.

``edit_for`` turns a parsed command into a ``LineEdit``; ``apply`` saves it through the
services and words the reply. Every text here is mrkdwn: names are escaped, people are
mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient

from bot.commands import people, views
from bot.commands.grammar import commands as c
from bot.commands.roles import Deps
from bot.commands.views import Message
from bot.commands.views.common import escape
from bot.engine.directory import Directory
from bot.engine.model import (
    DEFAULT_WINDOW,
    NEW_MEMBER_WINDOW,
    CallerIdPrepend,
    CallRecording,
    Group,
    Member,
    NextActionKind,
    RingbackKind,
    distributed,
)
from bot.engine.validation import parse_group
from bot.errors import UserError
from bot.services import Actor

Change = Callable[[Group, Directory], Group]


@dataclass(frozen=True)
class LineEdit:
    """One command-line change: the group it names, the pure change, and the words.

    ``done(name before, group after)`` is the headline of a save that changed something;
    ``already(group)`` says that the group was as asked already.
    """

    ref: str
    change: Change
    done: Callable[[str, Group], str]
    already: Callable[[Group], str]


def apply(edit: LineEdit, who: Actor, wired: Deps) -> Message:
    """Save ``edit`` (the services re-check rights and rules) and word the reply."""
    seen: list[str] = []

    def change(group: Group, directory: Directory) -> Group:
        seen.append(group.name)  # the name as stored, for "Renamed Sales → Inside Sales"
        return edit.change(group, directory)

    result = wired.services.change_group(who, edit.ref, change)
    after = result.view.group
    before = seen[-1] if seen else after.name
    return views.saved_message(result, edit.done(before, after), unchanged=edit.already(after))


def edit_for(command: c.Parsed, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    """The ``LineEdit`` of a subcommand that changes one group."""
    team = who.team_id

    def pbx(users: Sequence[c.UserRef]) -> list[str]:
        return people.pbx_users_named(wired.services, wired.users, client, team, users)

    match command:
        case c.Rename(group=ref, new_name=new_name):
            return LineEdit(
                ref,
                lambda g, d: _with(g, name=new_name),
                lambda was, g: f"Renamed {_e(was)} → {_e(g.name)}.",
                lambda g: f"{_e(g.name)} is already called {_e(new_name)}.",
            )
        case c.SetRepeats(group=ref, repeats=repeats):
            return LineEdit(
                ref,
                lambda g, d: _with(g, repeats=repeats),
                lambda was, g: f"{_e(g.name)} now rings through {_times(repeats)}.",
                lambda g: f"{_e(g.name)} already rings through {_times(repeats)}.",
            )
        case c.AddNumber(group=ref, number=number):
            return LineEdit(
                ref,
                lambda g, d: _add_number(g, number),
                lambda was, g: f"{_e(g.name)} now answers {number}.",
                lambda g: f"{_e(g.name)} already answers {number}.",
            )
        case c.RemoveNumber(group=ref, number=number):
            return LineEdit(
                ref,
                lambda g, d: _remove_number(g, number),
                lambda was, g: f"{_e(g.name)} no longer answers {number}.",
                lambda g: f"{_e(g.name)} does not answer {number}.",
            )
        case c.AddMembers(group=ref, users=users):
            added = pbx(users)
            named = people.mentions(users)
            return LineEdit(
                ref,
                lambda g, d: _add_members(g, added, d),
                lambda was, g: f"Added {named} to {_e(g.name)}.",
                lambda g: f"{named} already in {_e(g.name)}.",
            )
        case c.RemoveMembers(group=ref, users=users):
            removed = pbx(users)
            named = people.mentions(users)
            return LineEdit(
                ref,
                lambda g, d: _remove_members(g, removed, d),
                lambda was, g: f"Removed {named} from {_e(g.name)}.",
                lambda g: f"{named} not in {_e(g.name)}.",
            )
        case c.Ring(group=ref, user=user, start=start, end=end):
            (uid,) = pbx((user,))
            who_rings, when = people.mention(user), f"{start}–{end} s"
            return LineEdit(
                ref,
                lambda g, d: _ring(g, uid, start, end, d),
                lambda was, g: f"{who_rings} now rings {when} in {_e(g.name)}.",
                lambda g: f"{who_rings} already rings {when} in {_e(g.name)}.",
            )
        case c.Distribute(group=ref, seconds=seconds):
            # 0 is a window too (the engine says it is too short), not "the default"
            span = DEFAULT_WINDOW if seconds is None else seconds
            return LineEdit(
                ref,
                lambda g, d: _distribute(g, span),
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
                    lambda g, d: _recording(g, rec),
                    lambda was, g: f"{_e(g.name)} now records calls ({_recording_words(g)}).",
                    lambda g: f"{_e(g.name)} already records calls ({_recording_words(g)}).",
                )
            return LineEdit(
                rec.group,
                lambda g, d: _recording(g, rec),
                lambda was, g: f"{_e(g.name)} no longer records calls.",
                lambda g: f"{_e(g.name)} already does not record calls.",
            )
        case c.SetRingback(group=ref, kind=kind, media=media):
            heard = f"media “{_e(media)}”" if media else _RINGBACK_WORDS[kind]
            return LineEdit(
                ref,
                lambda g, d: _ringback(g, d, kind, media),
                lambda was, g: f"Callers to {_e(g.name)} now hear {heard}.",
                lambda g: f"Callers to {_e(g.name)} already hear {heard}.",
            )
        case c.SetNextAction(group=ref) as nxt:
            user_id = pbx((nxt.user,))[0] if nxt.user else None
            goes = _next_words(nxt)
            return LineEdit(
                ref,
                lambda g, d: _next_action(g, d, nxt, user_id),
                lambda was, g: f"Unanswered calls to {_e(g.name)} now go to {goes}.",
                lambda g: f"Unanswered calls to {_e(g.name)} already go to {goes}.",
            )
        case c.SetForward(group=ref, allow=allow):
            verb = "allows" if allow else "denies"
            return LineEdit(
                ref,
                lambda g, d: _features(g, allow_call_forward=allow),
                lambda was, g: f"{_e(g.name)} now {verb} call-forward.",
                lambda g: f"{_e(g.name)} already {verb} call-forward.",
            )
        case c.SetPrepend() as pre:
            if pre.enabled:
                return LineEdit(
                    pre.group,
                    lambda g, d: _prepend(g, pre),
                    lambda was, g: f"{_e(g.name)} now prepends {_prefix_words(g)}.",
                    lambda g: f"{_e(g.name)} already prepends {_prefix_words(g)}.",
                )
            return LineEdit(
                pre.group,
                lambda g, d: _prepend(g, pre),
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


# ---------------------------------------------------------------- the changes


def _with(group: Group, **update: Any) -> Group:
    """``group`` with ``update`` applied and every rule checked again (model_copy checks none)."""
    return parse_group({**group.model_dump(), **update})


def _features(group: Group, **update: Any) -> Group:
    return _with(group, features={**group.features.model_dump(), **update})


def _add_number(group: Group, number: str) -> Group:
    if number in group.all_numbers:
        raise UserError(f"{group.name} already answers {number}.")
    if number.startswith("+") or len(number) > 6:
        return _with(group, numbers=(*group.numbers, number))
    return _with(group, extra_extensions=(*group.extra_extensions, number))


def _remove_number(group: Group, number: str) -> Group:
    if number == group.extension:
        raise UserError(
            f"{number} is the primary extension of {group.name}; give it another with "
            f"/group edit {group.name} first."
        )
    if number not in group.all_numbers:
        raise UserError(f"{group.name} does not answer {number}.")
    return _with(
        group,
        extra_extensions=tuple(n for n in group.extra_extensions if n != number),
        numbers=tuple(n for n in group.numbers if n != number),
    )


def _name(directory: Directory, user_id: str) -> str:
    user = directory.users.get(user_id)
    return user.name if user else user_id


def _add_members(group: Group, user_ids: Sequence[str], directory: Directory) -> Group:
    already = [u for u in user_ids if group.member(u)]
    if already:
        names = ", ".join(_name(directory, u) for u in already)
        raise UserError(f"Already in {group.name}: {names}.")
    start, end = NEW_MEMBER_WINDOW
    added = tuple(Member(user_id=u, start=start, end=end) for u in dict.fromkeys(user_ids))
    return _with(group, members=(*group.members, *added))


def _remove_members(group: Group, user_ids: Sequence[str], directory: Directory) -> Group:
    absent = [u for u in user_ids if not group.member(u)]
    if absent:
        names = ", ".join(_name(directory, u) for u in absent)
        raise UserError(f"Not in {group.name}: {names}.")
    kept = tuple(m for m in group.members if m.user_id not in set(user_ids))
    if not kept:
        raise UserError(
            f"That would leave {group.name} with no members; "
            f"to remove them all, /group delete {group.name}."
        )
    return _with(group, members=kept)


def _ring(group: Group, user_id: str, start: int, end: int, directory: Directory) -> Group:
    if not group.member(user_id):
        raise UserError(f"{_name(directory, user_id)} is not in {group.name}; add them first.")
    members = tuple(
        {"user_id": m.user_id, "start": start, "end": end} if m.user_id == user_id else m
        for m in group.members
    )
    return _with(group, members=members)


def _distribute(group: Group, window: int) -> Group:
    try:
        return distributed(group, window)
    except ValueError as error:
        raise UserError(f"{str(error).rstrip('.')}.") from None


def _recording(group: Group, command: c.SetRecording) -> Group:
    current = group.features.call_recording
    recording = {
        "enabled": command.enabled,
        "format": command.format or current.format,
        "time_limit": command.time_limit or current.time_limit,
        "url": command.url if command.url is not None else current.url,
    }
    return _features(group, call_recording=recording)


def _by_name(choices: dict[str, str], name: str, what: str) -> str:
    """The id whose name is ``name`` (any case), or an error listing the choices."""
    for ident, label in choices.items():
        if label.casefold() == name.casefold() or ident == name:
            return ident
    known = ", ".join(sorted(choices.values())[:10]) or "none"
    raise UserError(f"No {what} named '{name}'. The account has: {known}.")


def _ringback(group: Group, directory: Directory, kind: RingbackKind, media: str | None) -> Group:
    media_id = _by_name(dict(directory.media), media or "", "media file") if media else None
    ringback = {"kind": kind, "media_id": media_id if kind is RingbackKind.MEDIA else None}
    return _features(group, ringback=ringback)


def _next_action(
    group: Group, directory: Directory, command: c.SetNextAction, user_id: str | None
) -> Group:
    target: str | None = None
    name = command.target or ""
    match command.kind:
        case NextActionKind.USER:
            target = user_id
        case NextActionKind.VOICEMAIL:
            target = _by_name(dict(directory.vmboxes), name, "voicemail box")
        case NextActionKind.DEVICE:
            target = _by_name(dict(directory.devices), name, "device")
        case NextActionKind.MENU:
            target = _by_name({k: m.name for k, m in directory.menus.items()}, name, "menu")
        case NextActionKind.GROUP:
            groups = {k: g.name for k, g in directory.groups.items()}
            for key, other in directory.groups.items():
                if name in other.numbers:
                    groups[key] = name
            target = _by_name(groups, name, "group")
    return _features(group, next_action={"kind": command.kind, "target_id": target})


def _prepend(group: Group, command: c.SetPrepend) -> Group:
    current = group.features.caller_id_prepend
    if not command.enabled:
        return _features(group, caller_id_prepend={**current.model_dump(), "enabled": False})
    return _features(
        group,
        caller_id_prepend={
            "enabled": True,
            "name_prefix": command.name_prefix
            if command.name_prefix is not None
            else current.name_prefix,
            "number_prefix": command.number_prefix
            if command.number_prefix is not None
            else current.number_prefix,
        },
    )
