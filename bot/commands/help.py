"""Help for ``/group``, from each subcommand's ``Spec`` (in its family module under
``bot.commands.subcommands``): the overview, ``/group help <cmd>``, and the lookup the
parser uses, so the help can never disagree with the parser's complaints.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from bot.commands.grammar.errors import UnknownCommand
from bot.commands.subcommands import REGISTERED
from bot.commands.subcommands.base import SLASH, Spec

__all__ = ["SLASH", "SPECS", "Spec", "help_text", "spec_for"]

SPECS: dict[str, Spec] = {
    name: replace(subcommand.spec, commands=tuple(subcommand.handlers))
    for name, subcommand in REGISTERED.items()
}


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
        lines += [_overview_line(spec) for spec in SPECS.values()]
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
