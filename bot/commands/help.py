"""Help for ``/group``: each subcommand's usage, summary and examples, written once.

The same ``Spec`` gives the overview, ``/group help <cmd>`` and the usage line of every
``UsageError``, so the help can never disagree with the parser's complaints.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.commands.grammar import commands as c
from bot.commands.grammar.errors import UnknownCommand

SLASH = "/group"


@dataclass(frozen=True)
class Spec:
    name: str
    usage: str  # after "/group "
    summary: str
    examples: tuple[str, ...]  # after "/group ", the first one goes on the usage line
    commands: tuple[type[c.Command], ...]  # what parse() returns for this subcommand
    details: str = ""

    @property
    def usage_line(self) -> str:
        return f"Usage: {SLASH} {self.usage}   e.g. {SLASH} {self.examples[0]}"


_SPECS = (
    Spec(
        "help",
        "help [command]",
        "help with examples for every subcommand",
        ("help ring", "help"),
        (c.Help,),
    ),
    Spec(
        "list",
        "list",
        "every group: extension, numbers, members, features",
        ("list",),
        (c.ListGroups,),
    ),
    Spec(
        "show",
        "show <group>",
        "a group's details, ring timeline and features, with buttons",
        ("show sales", "show 201", 'show "Front desk"'),
        (c.Show,),
    ),
    Spec(
        "create",
        "create [<name> <ext> @user …]",
        "create a group: alone, opens the Create form; with arguments, creates it at once",
        ("create Sales 201 @dana @erin", "create", 'create "Front desk" 202 @carol'),
        (c.OpenCreateModal, c.QuickCreate),
        "The extension is 3 digits. New members ring together for 20 s;"
        " adjust with ring or distribute.",
    ),
    Spec(
        "edit",
        "edit <group>",
        "opens the Settings form: name, repeats, extensions, numbers",
        ("edit sales",),
        (c.Edit,),
    ),
    Spec(
        "rename",
        "rename <group> <new name>",
        "renames a group",
        ("rename sales Inside Sales",),
        (c.Rename,),
    ),
    Spec(
        "repeats",
        "repeats <group> <n>",
        "how many times the group rings through (1–20)",
        ("repeats sales 3",),
        (c.SetRepeats,),
    ),
    Spec(
        "number",
        "number <group> add|remove <ext or +E164>",
        "adds or removes an extension or a phone number (DID)",
        ("number sales add +14155550123", "number sales add 2010", "number sales remove 2010"),
        (c.AddNumber, c.RemoveNumber),
    ),
    Spec(
        "members",
        "members <group>",
        "opens the Members form: up to 15 users, each one's ring window, Distribute",
        ("members sales",),
        (c.OpenMembersModal,),
    ),
    Spec(
        "add",
        "add <group> @user …",
        "adds members (they ring 0–20 s)",
        ("add sales @dana @erin",),
        (c.AddMembers,),
    ),
    Spec(
        "remove",
        "remove <group> @user …",
        "removes members",
        ("remove sales @erin",),
        (c.RemoveMembers,),
    ),
    Spec(
        "ring",
        "ring <group> @user <start>-<end>",
        "when a member's phones ring, in seconds after the call arrives",
        ("ring sales @dana 0-20", "ring sales @erin 20-40"),
        (c.Ring,),
    ),
    Spec(
        "distribute",
        "distribute <group> [seconds]",
        "spreads the members evenly, one after another, over the window (default 120 s)",
        ("distribute sales 60", "distribute sales"),
        (c.Distribute,),
    ),
    Spec(
        "features",
        "features <group>",
        "opens the Features form: recording, ringback, next action, forward, prepend",
        ("features sales",),
        (c.OpenFeaturesModal,),
    ),
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
        (c.SetRecording,),
    ),
    Spec(
        "ringback",
        "ringback <group> default|silence|<media name>",
        "what callers hear while the group rings",
        ("ringback sales silence", 'ringback sales "Hold music"', "ringback sales default"),
        (c.SetRingback,),
    ),
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
        (c.SetNextAction,),
        'off plays the "not available" prompt.',
    ),
    Spec(
        "forward",
        "forward <group> allow|deny",
        "whether a ringing phone may forward the call (its Forward key; off by default)",
        ("forward sales allow", "forward sales deny"),
        (c.SetForward,),
        # Kazoo's ignore_forward is about SIP redirects from the ringing phone, not the
        # users' own call-forward settings (kazoo-smartpbx.md §c.2).
        "Kazoo ignores a phone's forward by default; allow lets a member forward a group call.",
    ),
    Spec(
        "prepend",
        "prepend <group> [name=<prefix>] [number=<prefix>] | off",
        "puts a prefix before the caller's name and/or number",
        ('prepend sales name="Sales: "', "prepend sales name=S: number=9", "prepend sales off"),
        (c.SetPrepend,),
    ),
    Spec(
        "delete",
        "delete <group>",
        "deletes a group after you confirm",
        ("delete sales",),
        (c.Delete,),
    ),
    Spec(
        "history", "history <group>", "who changed what, and when", ("history sales",), (c.History,)
    ),
    Spec("undo", "undo <group>", "restores the previous revision", ("undo sales",), (c.Undo,)),
    Spec(
        "simulate",
        "simulate <group> [busy=@user,…] [answer=@user@<seconds>]",
        "who rings when and where an unanswered call ends",
        ("simulate sales", "simulate sales busy=@dana,@erin", "simulate sales answer=@erin@25"),
        (c.Simulate,),
    ),
    Spec(
        "callflow",
        "callflow <group>",
        "the compiled Kazoo documents as JSON",
        ("callflow sales",),
        (c.ShowCallflow,),
    ),
    Spec(
        "sync",
        "sync [--dry-run]",
        "pushes pending changes to the PBX",
        ("sync", "sync --dry-run"),
        (c.Sync,),
    ),
    Spec(
        "drift",
        "drift",
        "compares the PBX with groupbot, group by group; admins get buttons to push ours "
        "or take the PBX's, and to adopt groups made on the PBX",
        ("drift",),
        (c.Drift,),
    ),
    Spec(
        "adopt",
        "adopt <name>",
        "admin: takes over a ring group made on the PBX (SmartPBX)",
        ("adopt Front desk",),
        (c.Adopt,),
    ),
    Spec(
        "storage",
        "storage",
        "the call-recording storage report now: used and limit, the groups using the most, "
        "growth, when the limit is reached; the chart by direct message",
        ("storage",),
        (c.Storage,),
    ),
    Spec(
        "setup",
        "setup",
        "admin: opens the workspace Settings form (PBX account, storage limit, alerts)",
        ("setup",),
        (c.OpenSetupModal,),
    ),
    Spec(
        "lead",
        "lead <group> [remove] @user …",
        "admin: names (or removes) team leads, who may change the group",
        ("lead sales @dana", "lead sales remove @dana"),
        (c.AddLeads, c.RemoveLeads),
    ),
)

SPECS: dict[str, Spec] = {spec.name: spec for spec in _SPECS}


def spec_for(word: str) -> Spec:
    """The subcommand's spec, or ``UnknownCommand`` with the closest name."""
    word = word.lower()
    if word in SPECS:
        return SPECS[word]
    close = difflib.get_close_matches(word, SPECS, n=1, cutoff=0.6)
    raise UnknownCommand(word, close[0] if close else None)


def help_text(cmd: str | None = None) -> str:
    """The overview, or one subcommand's usage and examples: mrkdwn emphasis and code
    spans, with ``<``, ``>`` and ``&`` meant literally (``views.help_message`` escapes them)."""
    if not cmd:
        lines = [f"*{SLASH}* manages ring groups. A group is named by its name or its extension."]
        lines += [_overview_line(spec) for spec in _SPECS]
        lines.append(f"Type `{SLASH} help <command>` for more about one command.")
        return "\n".join(lines)
    spec = spec_for(cmd)
    lines = [f"`{SLASH} {spec.usage}`", f"{spec.summary[0].upper()}{spec.summary[1:]}."]
    if spec.details:
        lines.append(spec.details)
    lines.append("Examples:")
    lines += [f"• `{SLASH} {example}`" for example in spec.examples]
    return "\n".join(lines)


def _overview_line(spec: Spec) -> str:
    line = f"• `{SLASH} {spec.usage}`: {spec.summary}"
    example = spec.examples[0]
    return f"{line}." if example == spec.usage else f"{line}. e.g. `{SLASH} {example}`"
