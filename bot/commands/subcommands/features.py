"""What happens around the ringing: ``/group features`` (the Features form), ``record``,
``ringback``, ``next``, ``forward`` and ``prepend``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from slack_sdk import WebClient

from bot.commands import people, roles, views
from bot.commands.edits import LineEdit, edited, pbx_users
from bot.commands.grammar.args import ArgError, Args, to_seconds, to_url
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.grammar.errors import shown
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Opens, Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import ModalMeta
from bot.commands.views.badges import (
    FORWARD_ALLOWED,
    FORWARD_DENIED,
    FORWARD_LABEL,
    target_name,
)
from bot.commands.views.common import escape as _e
from bot.commands.views.common import escape_name as _n
from bot.engine import edits as e
from bot.engine.directory import Directory
from bot.engine.edits import Edit
from bot.engine.model import (
    MAX_TIME_LIMIT,
    MIN_TIME_LIMIT,
    CallerIdPrepend,
    CallRecording,
    Group,
    NextActionKind,
    RecordingFormat,
    RingbackKind,
)
from bot.services import Actor

ON_OFF = {"on": True, "off": False}


@dataclass(frozen=True)
class OpenFeaturesModal(Command):
    subcommand: ClassVar[str] = "features"
    group: str


@dataclass(frozen=True)
class SetRecording(Command):
    """``None`` options keep the group's current setting (or the default)."""

    subcommand: ClassVar[str] = "record"
    group: str
    enabled: bool
    format: RecordingFormat | None = None
    time_limit: int | None = None
    url: str | None = None
    to_groupbot: bool = False  # url=groupbot: groupbot's own recording endpoint


@dataclass(frozen=True)
class SetRingback(Command):
    subcommand: ClassVar[str] = "ringback"
    group: str
    kind: RingbackKind
    media: str | None = None  # the media file's name when kind is MEDIA


@dataclass(frozen=True)
class SetNextAction(Command):
    """``target`` names the box, device, menu or group; ``user`` is set for kind USER."""

    subcommand: ClassVar[str] = "next"
    group: str
    kind: NextActionKind
    target: str | None = None
    user: UserRef | None = None


@dataclass(frozen=True)
class SetForward(Command):
    subcommand: ClassVar[str] = "forward"
    group: str
    allow: bool


@dataclass(frozen=True)
class SetPrepend(Command):
    """``enabled=False`` is ``off``; otherwise at least one prefix is given (``None``: unset)."""

    subcommand: ClassVar[str] = "prepend"
    group: str
    enabled: bool
    name_prefix: str | None = None
    number_prefix: str | None = None


# ---------------------------------------------------------------- readers

FORMATS = {f.value: f for f in RecordingFormat}


def _record(args: Args) -> SetRecording:
    group = args.group()
    enabled = args.choice(ON_OFF, "recording")
    fmt: RecordingFormat | None = None
    limit: int | None = None
    url: str | None = None
    to_groupbot = False
    for token in args.take_all():
        key, sep, value = token.text.partition("=")
        key = key.lower()
        if not enabled:
            raise ArgError(f"record off takes nothing more, not '{shown(token.text)}'")
        if not sep and key in FORMATS:
            fmt = FORMATS[key]
        elif sep and key == "format" and value.lower() in FORMATS:
            fmt = FORMATS[value.lower()]
        elif sep and key == "limit":
            limit = to_seconds(value, "limit", MIN_TIME_LIMIT, MAX_TIME_LIMIT)
        elif sep and key == "url" and value.lower() == "groupbot":
            url, to_groupbot = None, True
        elif sep and key == "url" and value:
            url, to_groupbot = to_url(value), False
        else:
            raise ArgError(
                f"'{shown(token.text)}' is not mp3, wav, limit=<seconds> or "
                "url=<https-url>|groupbot"
            )
    return SetRecording(group, enabled, fmt, limit, url, to_groupbot)


RINGBACK_KINDS = {"default": RingbackKind.DEFAULT, "silence": RingbackKind.SILENCE}


def _ringback(args: Args) -> SetRingback:
    group = args.group()
    first = args.peek()
    if first is not None and not first.quoted and first.text.lower() in RINGBACK_KINDS:
        kind = args.choice(RINGBACK_KINDS, "the ringback")
        args.done()
        return SetRingback(group, kind)
    return SetRingback(group, RingbackKind.MEDIA, args.rest("default, silence or a media name"))


NEXT_KINDS = {
    "voicemail": NextActionKind.VOICEMAIL,
    "user": NextActionKind.USER,
    "device": NextActionKind.DEVICE,
    "menu": NextActionKind.MENU,
    "group": NextActionKind.GROUP,
    "off": NextActionKind.NONE,
}


def _next(args: Args) -> SetNextAction:
    group = args.group()
    kind = args.choice(NEXT_KINDS, "the next action")
    if kind is NextActionKind.NONE:
        args.done()
        return SetNextAction(group, kind)
    if kind is NextActionKind.USER:
        user = args.user()
        args.done()
        return SetNextAction(group, kind, user=user)
    if kind is NextActionKind.GROUP:
        target = args.group("the other group")
        args.done()
        return SetNextAction(group, kind, target=target)
    return SetNextAction(group, kind, target=args.rest(f"the {kind.value} name"))


def _forward(args: Args) -> SetForward:
    group = args.group()
    allow = args.choice({"allow": True, "deny": False}, "forward")
    args.done()
    return SetForward(group, allow)


def _prepend(args: Args) -> SetPrepend:
    group = args.group()
    first = args.peek()
    if first is not None and not first.quoted and first.text.lower() == "off":
        args.take("off")
        args.done()
        return SetPrepend(group, enabled=False)
    prefixes: dict[str, str] = {}
    for token in args.take_all():
        key, sep, value = token.text.partition("=")
        if not sep or key.lower() not in {"name", "number"}:
            raise ArgError(f"'{shown(token.text)}' is not name=<prefix>, number=<prefix> or off")
        prefixes[key.lower()] = value
    if not any(prefixes.values()):
        raise ArgError("give name=<prefix>, number=<prefix> (or both), or off")
    return SetPrepend(group, True, prefixes.get("name"), prefixes.get("number"))


# ---------------------------------------------------------------- handlers


def _form(
    command: OpenFeaturesModal, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    services = wired.services
    shown_ = services.get_group(who.team_id, command.group)
    roles.require_change(services, who, shown_, "change its features")
    meta = ModalMeta.for_group(shown_, who.user_id, channel_id)
    return views.features_modal(meta, services.directory(who.team_id), shown_.group.features)


def _recorded(rec: SetRecording, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    if rec.to_groupbot:
        url = wired.services.recording_url_for(who.team_id, rec.group)
        rec = replace(rec, url=url, to_groupbot=False)
    change = e.edit(e.set_recording, rec.enabled, rec.format, rec.time_limit, rec.url)
    if rec.enabled:
        return LineEdit(
            rec.group,
            change,
            lambda was, g: f"{_n(g.name)} now records calls ({_recording_words(g)}).",
            lambda g: f"{_n(g.name)} already records calls ({_recording_words(g)}).",
        )
    return LineEdit(
        rec.group,
        change,
        lambda was, g: f"{_n(g.name)} no longer records calls.",
        lambda g: f"{_n(g.name)} already does not record calls.",
    )


def _recording_words(group: Group) -> str:
    rec: CallRecording = group.features.call_recording
    where = f", sent to {_e(rec.url)}" if rec.url else ""
    return f"{rec.format.value}, up to {rec.time_limit} s{where}"


_RINGBACK_WORDS = {
    RingbackKind.DEFAULT: "the default ringing",
    RingbackKind.SILENCE: "silence",
    RingbackKind.MEDIA: "a media file",
}


def _ringback_set(command: SetRingback, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    media = wired.services.directory(who.team_id).media if command.media else {}

    def heard(group: Group) -> str:
        # the media file as stored, not as typed ("hold music" finds "Hold music")
        media_id = group.features.ringback.media_id
        if media_id:
            return f"media “{_e(media.get(media_id, command.media or media_id))}”"
        return _RINGBACK_WORDS[command.kind]

    return LineEdit(
        command.group,
        e.edit_in(e.set_ringback, command.kind, command.media),
        lambda was, g: f"Callers to {_n(g.name)} now hear {heard(g)}.",
        lambda g: f"Callers to {_n(g.name)} already hear {heard(g)}.",
    )


_NEXT_WORDS = {
    NextActionKind.VOICEMAIL: "voicemail box",
    NextActionKind.DEVICE: "device",
    NextActionKind.MENU: "menu",
    NextActionKind.GROUP: "group",
}


def _next_words(command: SetNextAction, group: Group, directory: Directory | None) -> str:
    if command.kind is NextActionKind.NONE:
        return "the “not available” prompt"
    if command.kind is NextActionKind.USER:
        return people.mention(command.user)
    # the target as stored, not as typed: "group billing" or "group 202" finds "Billing"
    action = group.features.next_action
    name = target_name(action.kind, action.target_id, directory)
    return f"{_NEXT_WORDS[command.kind]} “{_e(name)}”"


def _next_set(nxt: SetNextAction, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    user_id = pbx_users((nxt.user,), who, wired, client)[0] if nxt.user else None
    named = nxt.kind not in (NextActionKind.NONE, NextActionKind.USER)
    directory = wired.services.directory(who.team_id) if named else None
    return LineEdit(
        nxt.group,
        e.edit_in(e.set_next_action, nxt.kind, nxt.target, user_id),
        lambda was, g: (
            f"Unanswered calls to {_n(g.name)} now go to {_next_words(nxt, g, directory)}."
        ),
        lambda g: (
            f"Unanswered calls to {_n(g.name)} already go to {_next_words(nxt, g, directory)}."
        ),
    )


def _forward_set(command: SetForward, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    verb = "allows" if command.allow else "denies"
    means = FORWARD_ALLOWED if command.allow else FORWARD_DENIED
    return LineEdit(
        command.group,
        e.edit(e.set_forward, command.allow),
        lambda was, g: f"{_n(g.name)} now {verb} call-forward: {means}.",
        lambda g: f"{_n(g.name)} already {verb} call-forward: {means}.",
    )


def _prefix_words(group: Group) -> str:
    """``name “Sales: ”, number “+1”``: the prefixes exactly, spaces included."""
    prepend: CallerIdPrepend = group.features.caller_id_prepend
    parts = [
        f"{label} “{_e(value)}”"
        for label, value in (("name", prepend.name_prefix), ("number", prepend.number_prefix))
        if value
    ]
    return ", ".join(parts) or "nothing"


def _prepend_set(pre: SetPrepend, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    change: Edit = e.edit(e.set_prepend, pre.enabled, pre.name_prefix, pre.number_prefix)
    if pre.enabled:
        return LineEdit(
            pre.group,
            change,
            lambda was, g: f"{_n(g.name)} now prepends {_prefix_words(g)}.",
            lambda g: f"{_n(g.name)} already prepends {_prefix_words(g)}.",
        )
    return LineEdit(
        pre.group,
        change,
        lambda was, g: f"{_n(g.name)} no longer prepends to the caller ID.",
        lambda g: f"{_n(g.name)} already does not prepend to the caller ID.",
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "features",
            "features <group>",
            "opens the Features form: recording, ringback, next action, forward, prepend",
            ("features sales",),
        ),
        group_only(OpenFeaturesModal),
        {OpenFeaturesModal: Opens("Features", _form)},
    ),
    Subcommand(
        Spec(
            "record",
            "record <group> on|off [mp3|wav] [limit=<seconds>] [url=<https-url>|groupbot]",
            "call recording, its format, time limit and destination (url=groupbot: groupbot's "
            "own recording endpoint, which needs GROUPBOT_PUBLIC_URL)",
            (
                "record sales on mp3 limit=600",
                "record sales on url=https://rec.example.com/in",
                "record sales on url=groupbot",
                "record sales off",
            ),
        ),
        _record,
        {SetRecording: Replies(edited(_recorded))},
    ),
    Subcommand(
        Spec(
            "ringback",
            "ringback <group> default|silence|<media name>",
            "what callers hear while the group rings",
            ("ringback sales silence", 'ringback sales "Hold music"', "ringback sales default"),
        ),
        _ringback,
        {SetRingback: Replies(edited(_ringback_set))},
    ),
    Subcommand(
        Spec(
            "next",
            "next <group> voicemail <box>|user @user|device <name>|menu <name>|group <group>|off",
            "where the call goes when nobody answers",
            (
                'next sales voicemail "Sales voicemail"',
                "next sales user @dana",
                'next sales device "Front desk phone"',
                'next sales menu "Main menu"',
                "next sales group support",
                "next sales off",
            ),
            'off plays the "not available" prompt.',
        ),
        _next,
        {SetNextAction: Replies(edited(_next_set))},
    ),
    Subcommand(
        Spec(
            "forward",
            "forward <group> allow|deny",
            f"{FORWARD_LABEL.lower()}: whether {FORWARD_ALLOWED} (off by default)",
            ("forward sales allow", "forward sales deny"),
            "It is the Features form's “Allow call-forward”. The members' own call-forward "
            "settings are not changed by it.",
        ),
        _forward,
        {SetForward: Replies(edited(_forward_set))},
    ),
    Subcommand(
        Spec(
            "prepend",
            "prepend <group> [name=<prefix>] [number=<prefix>] | off",
            "puts a prefix before the caller's name and/or number",
            ('prepend sales name="Sales: "', "prepend sales name=S: number=9", "prepend sales off"),
        ),
        _prepend,
        {SetPrepend: Replies(edited(_prepend_set))},
    ),
)
