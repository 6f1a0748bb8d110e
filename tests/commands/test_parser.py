"""``/group`` text as a user types it → the command the handlers receive, or the error shown."""

from __future__ import annotations

import re
import typing
from importlib import resources

import pytest
import yaml

from bot.commands.grammar.errors import UnknownCommand, UsageError
from bot.commands.help import SPECS, help_text
from bot.commands.parser import COMMANDS, parse
from bot.commands.subcommands import (
    AddLeads,
    AddMembers,
    AddNumber,
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
from bot.engine.model import NextActionKind, RecordingFormat, RingbackKind
from bot.errors import UserError
from bot.shell.main import DEMO_USERGROUP
from tests.shared_files import require_shared

DANA = UserRef("U0DANA", "dana")
LEE = UserRef("U0LEE", "lee")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("help ring", Help("ring")),
        ("HELP Ring", Help("ring")),
        ("list", ListGroups()),
        ("show sales", Show("sales")),
        ("show 201", Show("201")),
        ("create", OpenCreateModal()),
        ("create Sales 201 <@U0DANA|dana> <@U0LEE|lee>", QuickCreate("Sales", "201", (DANA, LEE))),
        # an unquoted name runs up to the extension
        ("create Front desk 202 <@U0DANA|dana>", QuickCreate("Front desk", "202", (DANA,))),
        ("edit sales", Edit("sales")),
        ("rename sales Inside Sales", Rename("sales", "Inside Sales")),
        ("repeats sales 3", SetRepeats("sales", 3)),
        ("number sales add +14155550123", AddNumber("sales", "+14155550123")),
        ("number sales remove 2010", RemoveNumber("sales", "2010")),
        ("number add sales 2010", AddNumber("sales", "2010")),
        ("number sales add +1 415-555-0123", AddNumber("sales", "+14155550123")),
        # Slack links phone numbers
        ("number sales add <tel:+14155550123|+1 415 555 0123>", AddNumber("sales", "+14155550123")),
        ("members sales", OpenMembersModal("sales")),
        ("add sales <@U0DANA|dana> <@U0LEE|lee>", AddMembers("sales", (DANA, LEE))),
        ("remove sales <@U0LEE|lee>", RemoveMembers("sales", (LEE,))),
        ("ring sales <@U0DANA|dana> 0-20", Ring("sales", DANA, 0, 20)),
        ("ring sales <@U0DANA|dana> 20 - 40", Ring("sales", DANA, 20, 40)),
        ("ring sales <@U0DANA|dana> 5–25", Ring("sales", DANA, 5, 25)),  # en dash from autocorrect
        ("distribute sales", Distribute("sales")),
        ("distribute sales 60", Distribute("sales", 60)),
        ("distribute sales 60s", Distribute("sales", 60)),
        ("distribute sales 0", Distribute("sales", 0)),  # a window, for the engine to judge
        ("features sales", OpenFeaturesModal("sales")),
        ("record sales on", SetRecording("sales", True)),
        ("record sales off", SetRecording("sales", False)),
        (
            "record sales on wav limit=300 url=<https://rec.example.com/in?a=1&amp;b=2>",
            SetRecording(
                "sales", True, RecordingFormat.WAV, 300, "https://rec.example.com/in?a=1&b=2"
            ),
        ),
        (
            "record sales ON url=https://rec.example.com mp3",
            SetRecording("sales", True, RecordingFormat.MP3, None, "https://rec.example.com"),
        ),
        ("ringback sales default", SetRingback("sales", RingbackKind.DEFAULT)),
        ("ringback sales silence", SetRingback("sales", RingbackKind.SILENCE)),
        ('ringback sales "Hold music"', SetRingback("sales", RingbackKind.MEDIA, "Hold music")),
        ("ringback sales Hold music", SetRingback("sales", RingbackKind.MEDIA, "Hold music")),
        # quoted, a keyword is a media name
        ('ringback sales "silence"', SetRingback("sales", RingbackKind.MEDIA, "silence")),
        (
            'next sales voicemail "Sales voicemail"',
            SetNextAction("sales", NextActionKind.VOICEMAIL, "Sales voicemail"),
        ),
        ("next sales user <@U0DANA|dana>", SetNextAction("sales", NextActionKind.USER, user=DANA)),
        (
            "next sales device Front desk phone",
            SetNextAction("sales", NextActionKind.DEVICE, "Front desk phone"),
        ),
        ('next sales menu "Main menu"', SetNextAction("sales", NextActionKind.MENU, "Main menu")),
        ("next sales group support", SetNextAction("sales", NextActionKind.GROUP, "support")),
        ("next sales off", SetNextAction("sales", NextActionKind.NONE)),
        ("forward sales allow", SetForward("sales", True)),
        ("forward sales deny", SetForward("sales", False)),
        ('prepend sales name="Sales: "', SetPrepend("sales", True, "Sales: ", None)),
        ("prepend sales name=S: number=9", SetPrepend("sales", True, "S:", "9")),
        ("prepend sales number=+1", SetPrepend("sales", True, None, "+1")),
        ("prepend sales off", SetPrepend("sales", False)),
        ("delete sales", Delete("sales")),
        ("history sales", History("sales")),
        ("undo sales", Undo("sales")),
        ("simulate sales", Simulate("sales")),
        ("simulate sales busy=<@U0DANA|dana>,<@U0LEE|lee>", Simulate("sales", (DANA, LEE))),
        ("simulate sales answer=<@U0LEE|lee>@25", Simulate("sales", (), Answer(LEE, 25))),
        (
            "simulate sales busy=<@U0DANA|dana> answer=<@U0LEE|lee>@25",
            Simulate("sales", (DANA,), Answer(LEE, 25)),
        ),
        ("callflow sales", ShowCallflow("sales")),
        ("sync", Sync()),
        ("sync --dry-run", Sync(dry_run=True)),
        ("sync —dry-run", Sync(dry_run=True)),  # Slack's editor turns -- into an em dash
        ("drift", Drift()),
        ("storage", Storage()),
        ("setup", OpenSetupModal()),
        ("lead sales <@U0DANA|dana>", AddLeads("sales", (DANA,))),
        ("lead sales remove <@U0DANA|dana>", RemoveLeads("sales", (DANA,))),
        ("  SHOW   sales  ", Show("sales")),
    ],
)
def test_parses_each_subcommand(text: str, expected: Parsed) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('show "Front desk"', Show("Front desk")),
        ("show “Front desk”", Show("Front desk")),  # Slack's editor types curly quotes
        ('show "Front desk”', Show("Front desk")),
        ('add "Front desk" <@U0DANA|dana>', AddMembers("Front desk", (DANA,))),
        ('rename "Front desk" "Reception"', Rename("Front desk", "Reception")),
        (
            'next sales group "Front desk"',
            SetNextAction("sales", NextActionKind.GROUP, "Front desk"),
        ),
        ('create "Front desk" 202 <@U0DANA|dana>', QuickCreate("Front desk", "202", (DANA,))),
        ('create "Team 7" 202 <@U0DANA|dana>', QuickCreate("Team 7", "202", (DANA,))),
        ("show R&amp;D", Show("R&D")),  # Slack escapes & < >
    ],
)
def test_quoted_and_escaped_group_names(text: str, expected: Parsed) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("mention", "user"),
    [
        ("<@U0DANA|dana>", UserRef("U0DANA", "dana")),
        ("<@U0DANA>", UserRef("U0DANA", None)),
        ("<@W0ENTERPRISE|dana.smith>", UserRef("W0ENTERPRISE", "dana.smith")),
        ("@alice", UserRef(None, "alice")),  # typed in the shell, resolved there
        ("@dana.smith", UserRef(None, "dana.smith")),
    ],
)
def test_users_from_mentions(mention: str, user: UserRef) -> None:
    assert parse(f"add sales {mention}") == AddMembers("sales", (user,))
    assert parse(f"ring sales {mention} 0-20") == Ring("sales", user, 0, 20)


def test_shell_mentions_in_simulate_options() -> None:
    assert parse("simulate sales busy=@alice,@bob answer=@carol@15") == Simulate(
        "sales",
        (UserRef(None, "alice"), UserRef(None, "bob")),
        Answer(UserRef(None, "carol"), 15),
    )


def test_usage_error_carries_the_exact_usage_line_and_reason() -> None:
    with pytest.raises(UsageError) as caught:
        parse("ring sales <@U0DANA|dana> 20")
    usage = "Usage: /group ring <group> @user <start>-<end>   e.g. /group ring sales @dana 0-20"
    assert caught.value.usage == usage
    assert caught.value.reason == "start-end must look like 0-20, not '20'"
    # the user reads the reason as a sentence
    assert str(caught.value) == f"Start-end must look like 0-20, not '20'\n{usage}"
    assert isinstance(caught.value, UserError)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ring sales <@U0DANA|dana> 20-x", "start-end must look like 0-20"),
        ("ring sales <@U0DANA|dana>", "start-end is missing"),
        ("ring sales dana 0-20", "'dana' is not a user"),
        ("ring", "the group is missing"),
        ("show", "the group is missing"),
        ("show sales extra", "unexpected 'extra'"),
        ("list everything", "unexpected 'everything'"),
        ("add sales", "mention at least one user"),
        ("add <@U0DANA|dana>", "name the group first"),
        ("add sales dana", "'dana' is not a user"),
        ("create Sales", "the extension is missing"),
        ("create Sales two-oh-one <@U0DANA|dana>", "the extension is missing"),
        # the word that looks like an extension is named, not the mention after it
        ("create Bad 2a1 <@U0DANA|dana>", "the extension must be digits, like 201, not '2a1'"),
        ("create Sales 201", "mention at least one user"),
        ("rename sales", "the new name is missing"),
        ("repeats sales three", "repeats must be a whole number"),
        ("repeats sales -1", "repeats must be a whole number"),
        ("number sales add", "the extension or number is missing"),
        ("number sales add twenty", "neither an extension nor a +E.164 number"),
        ("number sales swap 2010", "the action must be add or remove"),
        ("distribute sales soon", "the window must be a number of seconds"),
        ("record sales maybe", "recording must be on or off"),
        ("record sales on ogg", "'ogg' is not mp3, wav"),
        ("record sales on limit=ten", "limit must be a number of seconds"),
        ("record sales off mp3", "record off takes nothing more"),
        ("ringback sales", "default, silence or a media name is missing"),
        ("next sales fax 555", "the next action must be voicemail, user"),
        ("next sales user dana", "'dana' is not a user"),
        ("next sales voicemail", "the voicemail name is missing"),
        ("forward sales maybe", "forward must be allow or deny"),
        ("prepend sales", "give name=<prefix>, number=<prefix>"),
        ("prepend sales Sales:", "'Sales:' is not name=<prefix>"),
        ("simulate sales busy=dana", "'dana' is not a user"),
        ("simulate sales answer=<@U0LEE|lee>", "answer= needs a user and a time"),
        ("simulate sales answer=<@U0LEE|lee>@soon", "the answer time must be a number"),
        ("simulate sales now", "'now' is not busy="),
        ("sync --force", "unexpected '--force'"),
        ("lead sales", "mention at least one user"),
    ],
)
def test_malformed_arguments_get_reason_and_usage_line(text: str, reason: str) -> None:
    name = text.split()[0]
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert caught.value.usage == SPECS[name].usage_line
    assert caught.value.usage.startswith(f"Usage: /group {name}")
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mebers sales", "Unknown command 'mebers'. Did you mean 'members'?"),
        ("shwo sales", "Unknown command 'shwo'. Did you mean 'show'?"),
        ("distrbute sales", "Unknown command 'distrbute'. Did you mean 'distribute'?"),
        ("help mebers", "Unknown command 'mebers'. Did you mean 'members'?"),
        ("xyzzy", "Unknown command 'xyzzy'."),
    ],
)
def test_unknown_subcommand_suggests_the_closest(text: str, message: str) -> None:
    with pytest.raises(UnknownCommand) as caught:
        parse(text)
    assert str(caught.value).splitlines()[0] == message
    assert "/group help" in str(caught.value)


def test_no_suggestion_when_nothing_is_close() -> None:
    with pytest.raises(UnknownCommand) as caught:
        parse("xyzzy")
    assert caught.value.suggestion is None
    assert "Did you mean" not in str(caught.value)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_for_each_command_shows_usage_and_examples(name: str) -> None:
    spec = SPECS[name]
    text = help_text(name)
    assert f"/group {spec.usage}" in text
    for example in spec.examples:
        assert f"/group {example}" in text


@pytest.mark.parametrize("name", COMMANDS)
def test_every_example_in_help_parses_to_its_command(name: str) -> None:
    spec = SPECS[name]
    for example in spec.examples:
        assert isinstance(parse(example), spec.commands), example


def test_overview_lists_every_command_with_summary() -> None:
    text = help_text(None)
    for name, spec in SPECS.items():
        line = next(line for line in text.splitlines() if f"`/group {spec.usage}`" in line)
        assert spec.summary in line, name
        assert f"/group {spec.examples[0]}" in line, name
    assert help_text("") == text


def test_help_examples_mention_only_the_demo_directorys_people() -> None:
    # `groupbot shell` resolves @alice to the directory user whose email begins alice@
    demo = resources.files("bot.storage").joinpath("demo_directory.yaml").read_text()
    people = {user["email"].split("@")[0] for user in yaml.safe_load(demo)["users"]}
    assert people == {"alice", "bob", "carol", "dana", "erin"}
    people.add(DEMO_USERGROUP)  # and the Slack user group the shell starts with
    for spec in SPECS.values():
        for example in spec.examples:
            mentioned = set(re.findall(r"@([a-z]+)", example))
            assert mentioned <= people, (example, mentioned - people)


def test_help_for_unknown_command_suggests() -> None:
    with pytest.raises(UnknownCommand, match="Did you mean 'ring'"):
        help_text("rnig")


def test_every_product_subcommand_has_a_spec() -> None:
    product = require_shared("docs", "product.md").read_text()
    table = product.split("## Slash command `/group`")[1].split("\n## ")[0]
    documented = set(re.findall(r"`/group (\w+)", table))
    assert len(documented) >= 25  # the table really was read
    assert documented <= set(COMMANDS)


def test_every_command_dataclass_belongs_to_one_spec() -> None:
    owners = {cls: spec.name for spec in SPECS.values() for cls in spec.commands}
    for cls in typing.get_args(Parsed):
        assert owners.get(cls) == cls.subcommand, cls.__name__
    assert len(owners) == len(typing.get_args(Parsed))


def test_commands_are_frozen() -> None:
    command = parse("show sales")
    with pytest.raises(AttributeError):
        command.group = "support"  # type: ignore[misc,union-attr]
