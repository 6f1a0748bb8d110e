"""The shell's loop: read a line, hand it to the app as Slack would, print what came back.

Lines are ``/group …`` commands, ``#<n>`` to press button n of the last reply, and a few
shell commands (``/as @name``, ``/jobs``, ``/help``, ``/quit``). A modal the app opens
becomes a form whose answers are read from the following lines; a line starting with
``/`` read as an answer (to a form or a confirmation) gives that up and runs next. The
session remembers whether every command succeeded: piped input exits 0 only then.

Nothing here knows Bolt or the emulator: a :class:`Chat` does the Slack side.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from bot.shell import usergroups
from bot.shell.modal import PRESS, ModalForm, plain
from bot.shell.render import Choice, Rendered, render_message
from bot.shell.replies import HOME, Chat, Posted, Reply
from bot.shell.terminal import CANCEL, CommandLine, ExportWatch, Lines, RefusedLine, answer
from bot.shell.text import Style, mrkdwn
from bot.shell.workspace import AnswerError, Person, escape_mentions, unknown_mentions

PROMPT = "groupbot> "
SHELL_COMMANDS = ("/group", "/as", "/whoami", "/home", "/usergroup", "/jobs", "/help", "/quit")

HELP = """\
Shell commands:
  /group …        a slash command, exactly as in Slack (try /group help)
  #<n>            press button n of the last reply
  /as @name       act as another user from now on (/as @admin: back to the admin)
  /whoami         who you are acting as
  /home           open the app's Home tab
  /usergroup @oncall @alice @bob
                  make them the Slack user group @oncall's members (creates it);
                  mention it in commands as @oncall
  /jobs           the scheduled jobs; /jobs run <job> runs one once now
  /help           this text
  /quit           leave (end of input does too)
In a form: an empty line keeps the value shown in [brackets], - clears an optional field,
#<n> presses a button of the modal (90 #1: answer 90, then press it), /cancel closes it;
any other line starting with / closes it unsent and runs as a command."""


Job = Callable[[], str]


class Session:
    """One shell session; :meth:`run` returns the exit status."""

    def __init__(
        self,
        chat: Chat,
        user: Person,
        lines: Lines,
        out: TextIO = sys.stdout,
        *,
        admin: Person | None = None,
        style: Style | None = None,
        exports: Path | None = None,
        jobs: Mapping[str, Job] | None = None,
    ) -> None:
        self.chat = chat
        self.user = user
        self.admin = admin or user
        self.lines = lines
        self.out = out
        self.jobs = dict(jobs or {})
        names = {p.user_id: p.handle for p in chat.workspace.people}
        channels = {c.channel_id: c.name for c in chat.workspace.channels}
        ansi = style.ansi if style else False
        # filled as /usergroup creates user groups: the style reads it when printing
        self._usergroups: dict[str, str] = {
            g.usergroup_id: g.handle for g in chat.workspace.usergroups
        }
        self.style = Style(ansi=ansi, names=names, channels=channels, usergroups=self._usergroups)
        self.failures = 0
        self.commands = 0
        self.last_choices: list[tuple[Choice, Posted]] = []
        self.exports = ExportWatch(exports)
        self._next: str | None = None  # a command typed where an answer was expected

    # -- the loop --------------------------------------------------------------------

    def run(self) -> int:
        while True:
            line, self._next = self._next, None
            if line is not None:
                self.say(PROMPT + line)
            else:
                try:
                    line = self.lines.read(PROMPT)
                except RefusedLine as refused:
                    self.say(f"✗ {refused}")
                    self.commands += 1
                    self.failures += 1
                    continue
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            if line in {"/quit", "/exit"}:
                break
            self.commands += 1
            try:
                ok = self.handle(line)
            except CommandLine as command:
                # what was being asked is given up (the form says so); the command runs next
                self._next, ok = command.line, False
            if not ok:
                self.failures += 1
        return 0 if self.failures == 0 else 1

    def handle(self, line: str) -> bool:
        """One line of input; False when it failed. Raises :class:`CommandLine` when a
        form or confirmation it opened read a command instead of an answer."""
        pressed = PRESS.match(line)
        if pressed:
            return self._press(int(pressed.group(1)))
        word, _, rest = line.partition(" ")
        if word == "/group":
            return self._command(rest.strip())
        if word == "/as":
            return self._switch(rest.strip())
        if word == "/whoami":
            self.say(f"You are {self.who(self.user)}.")
            return True
        if word == "/jobs":
            return self._jobs(rest.strip())
        if word == "/home":
            return self._show(self.chat.home(self.user))
        if word == "/usergroup":
            return self._usergroup(rest)
        if word == CANCEL:
            return True  # nothing is open: Ctrl-C at the prompt
        if word == "/help":
            self.say(HELP)
            return True
        if word.startswith("/"):
            self.say(f"✗ {word} is not a command here. {_commands_hint(word)}")
        else:
            self.say("✗ Type a /group command (try /group help), #<n> to press a button, or /help.")
        return False

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # -- interactions ------------------------------------------------------------------

    def _command(self, text: str) -> bool:
        people, groups = self.chat.workspace.people, self.chat.workspace.usergroups
        strangers = unknown_mentions(text, people, groups)
        if strangers:
            # Slack would have offered only members and user groups to mention: nothing to send
            names = " or ".join(strangers)
            everyone = ", ".join("@" + p.handle for p in people)
            also = "; the user groups are " + ", ".join("@" + g.handle for g in groups)
            self.say(
                f"✗ No one called {names} in this workspace; the people are {everyone}"
                f"{also if groups else ''}."
            )
            return False
        return self._show(self.chat.command(self.user, escape_mentions(text, people, groups)))

    def _usergroup(self, rest: str) -> bool:
        try:
            handle, members = usergroups.parse(rest, self.chat.workspace)
        except AnswerError as problem:
            self.say(f"✗ {problem}")
            return False
        reply = self.chat.set_usergroup(self.user, handle, members)
        group = self.chat.workspace.usergroup(handle)
        if group is not None:
            self._usergroups[group.usergroup_id] = group.handle
        names = ", ".join("@" + p.handle for p in members) or "no one"
        self.say(f"@{handle}'s members are now {names}.")
        return self._show(reply)

    def _press(self, number: int) -> bool:
        found = next(((c, p) for c, p in self.last_choices if c.number == number), None)
        if found is None:
            if not self.last_choices:
                self.say("✗ The last reply has no buttons to press.")
            else:
                self.say(f"✗ No button [{number}] in the last reply.")
            return False
        choice, posted = found
        if not self.confirmed(choice):
            self.say("(cancelled)")
            return True
        return self._show(self.chat.press(self.user, choice, posted))

    def confirmed(self, choice: Choice) -> bool:
        """Ask a button's confirm dialog (y or n from the next line), if it has one.

        Raises :class:`CommandLine` (the dialog is cancelled) when a command is typed."""
        confirm = choice.confirm
        if confirm is None:
            return True
        title = plain(confirm.get("title")) or "Are you sure?"
        text = mrkdwn(plain(confirm.get("text")), self.style)
        yes = plain(confirm.get("confirm")) or "Yes"
        no = plain(confirm.get("deny")) or "Cancel"
        self.say(f"{title}\n{text}" if text else title)
        while True:
            try:
                line = answer(self.lines, f"{yes} (y) or {no} (n)? ")
            except RefusedLine as refused:
                self.say(f"  ✗ {refused}")
                continue
            except CommandLine as command:
                if not command.told:
                    self.say(f"✗ {command.line} is a command, not y or n: cancelled.")
                    command.told = True
                raise
            if line is None:
                return False
            line = line.strip().lower()
            if line in {"y", "yes", yes.lower()}:
                return True
            if line in {"n", "no", no.lower(), "", CANCEL}:
                return False
            self.say("  please answer y or n")

    def _show(self, reply: Reply) -> bool:
        """Print a reply; run the form of a modal it opened. False when anything failed."""
        ok = self.print_reply(reply)
        if reply.view is not None:
            ok = ModalForm(self).run(reply.view) and ok
        return ok

    def print_reply(self, reply: Reply) -> bool:
        """Print what the app sent; False when the interaction failed."""
        choices: list[tuple[Choice, Posted]] = []
        for posted in reply.posted:
            if posted.deleted:
                self.say("(the message was deleted)")
                continue
            rendered = render_message(posted.message, self.style, first_number=len(choices) + 1)
            self.say(self._framed(rendered, posted))
            choices.extend((choice, posted) for choice in rendered.choices)
        if reply.posted:
            self.last_choices = choices
        self._report_exports()
        for failure in reply.failures:
            if failure:
                self.say(f"✗ {failure}")
        return not reply.failures

    def _framed(self, rendered: Rendered, posted: Posted) -> str:
        """A header line saying where the message is, when that is not the usual place
        (a reply only you see, in the channel you typed in)."""
        where = ["updated"] if posted.replaced else []
        channel = self.style.channels.get(posted.channel, posted.channel)
        if posted.channel == HOME:
            where.append("Home tab")
        elif posted.channel.startswith("D"):
            where.append("direct message")
        elif posted.channel and posted.channel != self.chat.workspace.current_channel:
            where.append(f"in #{channel}")
        elif not posted.ephemeral:
            where.append(f"in #{channel}, seen by everyone")
        head = f"── groupbot ({', '.join(where)})" if where else "── groupbot"
        text = f"✗ {rendered.text}" if posted.error else rendered.text
        return "\n".join(part for part in (head, text, *posted.files) if part)

    # -- users and jobs ----------------------------------------------------------------

    def _switch(self, who: str) -> bool:
        try:
            person = self.chat.workspace.person(who)
        except AnswerError as problem:
            self.say(f"✗ {problem}")
            return False
        self.user = person
        self.say(f"You are now {self.who(person)}.")
        return True

    def who(self, person: Person) -> str:
        role = "an admin" if person == self.admin else "a member, not an admin"
        name = f" ({person.real_name})" if person.real_name else ""
        return f"@{person.handle}{name}, {role}"

    def _jobs(self, rest: str) -> bool:
        words = rest.split()
        if not words:
            if not self.jobs:
                self.say("No scheduled jobs exist in this build yet, so there is none to run.")
            else:
                self.say("Scheduled jobs: " + ", ".join(sorted(self.jobs)))
                self.say("Run one now with /jobs run <job>.")
            return True
        if words[0] != "run" or len(words) != 2:
            self.say("✗ Usage: /jobs run <job>")
            return False
        job = self.jobs.get(words[1])
        if job is None:
            known = ", ".join(sorted(self.jobs)) or "none in this build yet"
            self.say(f"✗ No scheduled job {words[1]!r}; jobs: {known}.")
            return False
        try:
            self.say(job() or f"{words[1]}: done.")
        except Exception as error:  # a job's failure is reported, the shell goes on
            self.say(f"✗ {words[1]} failed: {error}")
            return False
        self._report_exports()
        return True

    def _report_exports(self) -> None:
        for line in self.exports.changes():
            self.say(line)


def _commands_hint(word: str) -> str:
    """The shell's own commands, with the likeliest one first when ``word`` resembles it."""
    listed = ", ".join(SHELL_COMMANDS)
    close = difflib.get_close_matches(word, SHELL_COMMANDS, n=1, cutoff=0.6)
    guess = f"Did you mean {close[0]}? " if close else ""
    if word == "/run":
        guess = "To run a scheduled job: /jobs run <job>. "
    return f"{guess}The shell's commands: {listed}; #<n> presses a button (see /help)."
