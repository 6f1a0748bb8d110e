"""One reader per subcommand: the words after the subcommand → its command dataclass.

Readers raise ``ArgError`` with the reason only; ``parser.parse`` adds the usage line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.commands.grammar.args import (
    ArgError,
    Args,
    Token,
    to_int,
    to_number,
    to_range,
    to_seconds,
    to_url,
    to_user,
)
from bot.commands.grammar.commands import (
    AddLeads,
    AddMembers,
    AddNumber,
    Adopt,
    Answer,
    Delete,
    Distribute,
    Drift,
    Edit,
    Help,
    History,
    ListGroups,
    OpenCreateModal,
    OpenFeaturesModal,
    OpenMembersModal,
    OpenSetupModal,
    Parsed,
    QuickCreate,
    RemoveLeads,
    RemoveMembers,
    RemoveNumber,
    Rename,
    Ring,
    SetForward,
    SetNextAction,
    SetPrepend,
    SetRecording,
    SetRepeats,
    SetRingback,
    Show,
    ShowCallflow,
    Simulate,
    Storage,
    Sync,
    Undo,
    UserRef,
)
from bot.commands.grammar.errors import shown
from bot.commands.help import spec_for
from bot.engine.model import (
    MAX_NAME,
    MAX_REPEATS,
    MAX_SECONDS,
    MAX_TIME_LIMIT,
    MIN_REPEATS,
    MIN_TIME_LIMIT,
    NextActionKind,
    RecordingFormat,
    RingbackKind,
)

# A simulated call rings for at most every repeat of the longest timeline.
MAX_ANSWER_AT = MAX_SECONDS * MAX_REPEATS

ON_OFF = {"on": True, "off": False}
ADD_REMOVE = {"add": True, "remove": False}


def _no_args(command: Parsed) -> Callable[[Args], Parsed]:
    def parse_none(args: Args) -> Parsed:
        args.done()
        return command

    return parse_none


def _group_only(make: Callable[[str], Parsed]) -> Callable[[Args], Parsed]:
    def parse_group(args: Args) -> Parsed:
        group = args.group()
        args.done()
        return make(group)

    return parse_group


def _help(args: Args) -> Parsed:
    if not args:
        return Help()
    topic = args.take("the command").text.lower()
    args.done()
    return Help(spec_for(topic).name)


def _create(args: Args) -> Parsed:
    if not args:
        return OpenCreateModal()
    # Everything before the first all-digit word is the name, so quotes are optional.
    name_parts: list[str] = []
    while (token := args.peek()) is not None and not (
        token.text.isdigit() and not token.quoted and name_parts
    ):
        if to_user(token) is not None:
            break
        name_parts.append(args.take("the name").text)
    if not name_parts:
        raise ArgError("the name is missing")
    following = args.peek()
    if following is None or to_user(following) is not None:
        # No all-digit word before the people: the name's last word may be the extension
        # typed wrong (``create Bad 2a1 @alice``); name that word, not the mention after it.
        guess = name_parts[-1]
        if len(name_parts) > 1 and any(char.isdigit() for char in guess):
            raise ArgError(f"the extension must be digits, like 201, not '{shown(guess)}'")
        raise ArgError("the extension is missing: give it after the name, as digits like 201")
    extension = args.take("the extension").text
    return QuickCreate(" ".join(name_parts), extension, args.users())


def _rename(args: Args) -> Parsed:
    return Rename(args.group(), args.rest("the new name", MAX_NAME))


def _repeats(args: Args) -> Parsed:
    group = args.group()
    repeats = to_int(args.take("the number of repeats").text, "repeats", MIN_REPEATS, MAX_REPEATS)
    args.done()
    return SetRepeats(group, repeats)


def _number(args: Args) -> Parsed:
    first = args.peek()
    if first is not None and first.text.lower() in ADD_REMOVE:
        add = args.choice(ADD_REMOVE, "the action")  # "number add sales 2010" reads fine too
        group = args.group()
    else:
        group = args.group()
        add = args.choice(ADD_REMOVE, "the action")
    number = to_number(args.rest("the extension or number", None))
    return AddNumber(group, number) if add else RemoveNumber(group, number)


def _members_change(make: Callable[[str, tuple[UserRef, ...]], Parsed]) -> Callable[[Args], Parsed]:
    def parse_members(args: Args) -> Parsed:
        return make(args.group(), args.users())

    return parse_members


def _ring(args: Args) -> Parsed:
    group, user = args.group(), args.user()
    start, end = to_range(args.rest("start-end", None), 0, MAX_SECONDS)
    return Ring(group, user, start, end)


def _distribute(args: Args) -> Parsed:
    group = args.group()
    # 0 is read, so that the engine can say why it is too short for these members
    seconds = to_seconds(args.take("").text, "the window", 0, MAX_SECONDS) if args else None
    args.done()
    return Distribute(group, seconds)


FORMATS = {f.value: f for f in RecordingFormat}


def _record(args: Args) -> Parsed:
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


def _ringback(args: Args) -> Parsed:
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


def _next(args: Args) -> Parsed:
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


def _forward(args: Args) -> Parsed:
    group = args.group()
    allow = args.choice({"allow": True, "deny": False}, "forward")
    args.done()
    return SetForward(group, allow)


def _prepend(args: Args) -> Parsed:
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


ANSWER = re.compile(r"^(<@[^>]+>|@[^\s@,<>]+)@(.+)$")  # the time follows the mention's end


def _simulate(args: Args) -> Parsed:
    group = args.group()
    busy: list[UserRef] = []
    answer: Answer | None = None
    for token in args.take_all():
        key, sep, value = token.text.partition("=")
        key = key.lower()
        if sep and key == "busy":
            busy += [_user_in(part) for part in value.split(",") if part]
        elif sep and key == "answer":
            if not (match := ANSWER.match(value)):
                raise ArgError(
                    f"answer= needs a user and a time, like answer=@dana@15, not '{shown(value)}'"
                )
            at = to_seconds(match[2], "the answer time", 0, MAX_ANSWER_AT)
            answer = Answer(_user_in(match[1]), at)
        else:
            raise ArgError(f"'{shown(token.text)}' is not busy=@user,… or answer=@user@<seconds>")
    return Simulate(group, tuple(busy), answer)


def _user_in(text: str) -> UserRef:
    if (user := to_user(Token(text))) is None:
        raise ArgError(f"'{shown(text)}' is not a user: mention them, like @dana")
    return user


DRY_RUN = {"--dry-run", "—dry-run", "–dry-run", "-n", "dry-run"}  # Slack may turn -- into a dash


def _sync(args: Args) -> Parsed:
    if not args:
        return Sync()
    token = args.take("")
    if token.text.lower() not in DRY_RUN:
        raise ArgError(f"unexpected '{shown(token.text)}'")
    args.done()
    return Sync(dry_run=True)


def _lead(args: Args) -> Parsed:
    group = args.group()
    first = args.peek()
    if first is not None and not first.quoted and first.text.lower() == "remove":
        args.take("remove")
        return RemoveLeads(group, args.users())
    return AddLeads(group, args.users())


READERS: dict[str, Callable[[Args], Parsed]] = {
    "help": _help,
    "list": _no_args(ListGroups()),
    "show": _group_only(Show),
    "create": _create,
    "edit": _group_only(Edit),
    "rename": _rename,
    "repeats": _repeats,
    "number": _number,
    "members": _group_only(OpenMembersModal),
    "add": _members_change(AddMembers),
    "remove": _members_change(RemoveMembers),
    "ring": _ring,
    "distribute": _distribute,
    "features": _group_only(OpenFeaturesModal),
    "record": _record,
    "ringback": _ringback,
    "next": _next,
    "forward": _forward,
    "prepend": _prepend,
    "delete": _group_only(Delete),
    "history": _group_only(History),
    "undo": _group_only(Undo),
    "simulate": _simulate,
    "callflow": _group_only(ShowCallflow),
    "sync": _sync,
    "drift": _no_args(Drift()),
    "adopt": lambda args: Adopt(args.rest("the name of the group on the PBX")),
    "storage": _no_args(Storage()),
    "setup": _no_args(OpenSetupModal()),
    "lead": _lead,
}
