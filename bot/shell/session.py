"""The shell's loop: read a line, hand it to the app as Slack would, print what came back.

Lines are ``/group …`` commands, ``#<n>`` to press button n of the last reply, and a few
shell commands (``/as @name``, ``/jobs``, ``/help``, ``/quit``). A modal the app opens
becomes a form whose answers are read from the following lines. The session remembers
whether every command succeeded: piped input exits 0 only then.

Nothing here knows Bolt or the emulator: a :class:`Chat` does the Slack side.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from bot.shell.forms import AnswerError, Form, Person, Question, Workspace
from bot.shell.render import Choice, Rendered, Style, mrkdwn, render_message, view_parts

PROMPT = "groupbot> "
PRESS = re.compile(r"^#(\d+)$")
TEXT_FIELDS = {"plain_text_input", "email_text_input", "url_text_input", "rich_text_input"}
MENTION = re.compile(r"(?<![<\w])@([A-Za-z0-9][\w.\-]*)")

HELP = """\
Shell commands:
  /group …        a slash command, exactly as in Slack (try /group help)
  #<n>            press button n of the last reply
  /as @name       act as another user from now on (/as @admin: back to the admin)
  /whoami         who you are acting as
  /home           open the app's Home tab
  /jobs           the scheduled jobs; /jobs run <job> runs one once now
  /help           this text
  /quit           leave (end of input does too)
In a form: an empty line keeps the value shown in [brackets], - clears an optional field,
#<n> presses a button of the modal (90 #1: answer 90, then press it), /cancel closes it."""


@dataclass(frozen=True)
class Posted:
    """A message the acting user can see, as the app produced it."""

    message: Mapping[str, Any]  # text and blocks
    channel: str = ""
    ts: str | None = None  # None for the ack of a command (never stored by Slack)
    ephemeral: bool = True
    replaced: bool = False  # an earlier message rewritten (replace_original, chat.update)
    deleted: bool = False
    files: tuple[str, ...] = ()  # one line per file shared with the message
    error: bool = False  # the app's error path sent it (see ``bot.shell.chat``)


@dataclass
class Reply:
    """Everything one interaction produced for the user who made it."""

    posted: list[Posted] = field(default_factory=list)
    view: dict[str, Any] | None = None  # the modal now on top, when it opened or changed
    closed: bool = False  # the modal closed (a submission that was accepted)
    field_errors: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # why this interaction failed
    notes: list[str] = field(default_factory=list)  # files saved, problems Slack would show

    @property
    def failed(self) -> bool:
        return bool(self.failures or self.field_errors)


class Chat(Protocol):
    """The Slack side: builds the signed request, dispatches it, collects what came back."""

    @property
    def workspace(self) -> Workspace: ...

    def command(self, user: Person, text: str) -> Reply: ...

    def press(self, user: Person, choice: Choice, where: Posted | Form) -> Reply:
        """A button, overflow item or select option in a message or in the open modal."""
        ...

    def view_action(self, user: Person, form: Form, question: Question) -> Reply:
        """An input with ``dispatch_action`` changed: block_actions from inside the modal."""
        ...

    def submit(self, user: Person, form: Form) -> Reply: ...

    def close(self, user: Person, view: Mapping[str, Any]) -> Reply: ...

    def home(self, user: Person) -> Reply:
        """The user opens the app's Home tab."""
        ...


class Lines(Protocol):
    def read(self, prompt: str) -> str | None:
        """The next line without its newline, or None at the end of input."""
        ...


class PipedLines:
    """Lines from a pipe or file, echoed after their prompt so the transcript reads well."""

    def __init__(self, source: TextIO, out: TextIO) -> None:
        self._lines: Iterator[str] = iter(source)
        self._out = out

    def read(self, prompt: str) -> str | None:
        line = next(self._lines, None)
        if line is None:
            return None
        line = line.rstrip("\r\n")
        self._out.write(f"{prompt}{line}\n")
        self._out.flush()
        return line


class TerminalLines:
    """Interactive input with line editing and history (readline) when it is available."""

    def __init__(self) -> None:
        # importing readline is what turns line editing on for input()
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            print()
            return None
        except KeyboardInterrupt:
            print()
            return ""


Job = Callable[[], str]


@dataclass(frozen=True)
class _Changed:
    """The app heard something from inside a modal while ``block_id`` (the ``index``-th
    question) was being asked; ``answered`` says whether that question is done."""

    reply: Reply
    block_id: str
    index: int
    answered: bool

    def resume_at(self, questions: Sequence[Question]) -> int:
        """Where to go on in the (possibly rebuilt) modal: after the question, or at it
        again when it was not answered; by position when the app renamed its block."""
        ids = [q.block_id for q in questions]
        at = ids.index(self.block_id) if self.block_id in ids else self.index
        return min(at + self.answered, len(questions))


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
        self.exports = exports
        self.jobs = dict(jobs or {})
        names = {p.user_id: p.handle for p in chat.workspace.people}
        channels = {c.channel_id: c.name for c in chat.workspace.channels}
        ansi = style.ansi if style else False
        self.style = Style(ansi=ansi, names=names, channels=channels)
        self.failures = 0
        self.commands = 0
        self.last_choices: list[tuple[Choice, Posted]] = []
        self._exported = self._snapshot()

    # -- the loop --------------------------------------------------------------------

    def run(self) -> int:
        while True:
            line = self.lines.read(PROMPT)
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            if line in {"/quit", "/exit"}:
                break
            self.commands += 1
            ok = self.handle(line)
            if not ok:
                self.failures += 1
        return 0 if self.failures == 0 else 1

    def handle(self, line: str) -> bool:
        """One line of input; False when it failed."""
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
        if word == "/help":
            self.say(HELP)
            return True
        if word.startswith("/"):
            self.say(f"✗ {word} is not a command here; the bot answers /group. Type /help.")
        else:
            self.say("✗ Type a /group command (try /group help), #<n> to press a button, or /help.")
        return False

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # -- interactions ------------------------------------------------------------------

    def _command(self, text: str) -> bool:
        escaped = escape_mentions(text, self.chat.workspace.people)
        return self._show(self.chat.command(self.user, escaped))

    def _press(self, number: int) -> bool:
        found = next(((c, p) for c, p in self.last_choices if c.number == number), None)
        if found is None:
            if not self.last_choices:
                self.say("✗ The last reply has no buttons to press.")
            else:
                self.say(f"✗ No button [{number}] in the last reply.")
            return False
        choice, posted = found
        if not self._confirmed(choice):
            self.say("(cancelled)")
            return True
        return self._show(self.chat.press(self.user, choice, posted))

    def _confirmed(self, choice: Choice) -> bool:
        confirm = choice.confirm
        if confirm is None:
            return True
        title = _plain(confirm.get("title")) or "Are you sure?"
        text = mrkdwn(_plain(confirm.get("text")), self.style)
        yes = _plain(confirm.get("confirm")) or "Yes"
        no = _plain(confirm.get("deny")) or "Cancel"
        self.say(f"{title}\n{text}" if text else title)
        while True:
            answer = self.lines.read(f"{yes} (y) or {no} (n)? ")
            if answer is None:
                return False
            answer = answer.strip().lower()
            if answer in {"y", "yes", yes.lower()}:
                return True
            if answer in {"n", "no", no.lower(), ""}:
                return False
            self.say("  please answer y or n")

    def _show(self, reply: Reply) -> bool:
        """Print a reply; run the form of a modal it opened. False when anything failed."""
        ok = self._print(reply)
        if reply.view is not None:
            ok = self._fill(reply.view) and ok
        return ok

    def _print(self, reply: Reply) -> bool:
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
        for note in reply.notes:
            self.say(note)
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
        if posted.channel == "home":
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

    # -- forms -----------------------------------------------------------------------

    def _fill(self, view: dict[str, Any]) -> bool:
        """Answer the modal ``view`` from the following lines and submit it.

        Returns False when the modal was abandoned, or when any submit came back with
        field errors (even if a later one succeeded): the command did not go through
        cleanly.
        """
        form = Form(view, self.chat.workspace)
        ok = True
        self._show_view(form.view)
        pending, position = form.questions, 0
        while True:
            whole = [q.key for q in pending] == [q.key for q in form.questions]
            while position < len(pending):
                question = pending[position]
                step = self._ask(form, question, in_context=whole)
                if step is None:
                    position += 1
                    continue
                if step == "cancel":
                    self._print(self.chat.close(self.user, form.view))
                    self.say("(modal closed)")
                    return False
                assert isinstance(step, _Changed)
                ok = self._print(step.reply) and ok
                if step.reply.closed:
                    return ok
                if step.reply.view is not None:
                    form.replace(step.reply.view)
                    self.say("(the app updated the form)")
                pending = form.questions
                position = step.resume_at(pending)
                whole = True
            missing = form.missing()
            if missing:
                self.say("Still required: " + ", ".join(q.label for q in missing))
                pending, position = missing, 0
                continue
            reply = self.chat.submit(self.user, form)
            ok = self._print(reply) and ok
            if reply.field_errors:
                ok = False
                flagged = form.with_errors(reply.field_errors)
                stray = set(reply.field_errors) - {q.block_id for q, _ in flagged}
                for block_id in sorted(stray):
                    self.say(f"✗ {reply.field_errors[block_id]}")
                if not flagged:
                    self._print(self.chat.close(self.user, form.view))
                    return False
                self.say("Please correct:")
                for question, message in flagged:
                    self.say(f"  {question.label}: ✗ {message}")
                pending, position = [q for q, _ in flagged], 0
                continue
            if reply.view is not None and not reply.closed:
                # response_action update or push, or back to the view under a closed push
                form.replace(reply.view)
                self._show_view(form.view)
                pending, position = form.questions, 0
                continue
            return ok

    def _ask(self, form: Form, question: Question, *, in_context: bool) -> _Changed | str | None:
        """Ask one question until it is answered: None once the answer is recorded,
        "cancel", or what the app did when the answer (or a button) reached it.

        ``in_context``: show the modal's blocks above the input first (not when a field
        is asked again after an error)."""
        if in_context:
            above = view_parts(form.view, self.style).before.get(question.block_id)
            if above is not None and above.text:
                self.say(above.text)
        before = form.current(question)
        for line in question.describe(before, form.workspace):
            self.say(line)
        index = [q.key for q in form.questions].index(question.key)
        while True:
            answer = self.lines.read(question.prompt(form.current(question), form.workspace))
            if answer is None or answer.strip() == "/cancel":
                return "cancel"
            answer, button = self._split_press(form, question, answer.strip())
            if answer or button is None:
                try:
                    # empty keeps the value (refused when the field is required and empty)
                    form.answer(question, answer)
                except AnswerError as problem:
                    self.say(f"  ✗ {problem}")
                    continue
            if button is not None:
                reply = self._press_in_view(form, button)
                if reply is None:
                    continue
                return _Changed(reply, question.block_id, index, answered=bool(answer))
            if question.dispatch and form.current(question) != before:
                # Slack sends block_actions only when the value changed
                reply = self.chat.view_action(self.user, form, question)
                return _Changed(reply, question.block_id, index, answered=True)
            return None

    def _split_press(self, form: Form, question: Question, answer: str) -> tuple[str, int | None]:
        """``#2`` alone presses button 2; ``90 #2`` answers 90, then presses it (not in a
        text field, where ``#2`` may be part of the text)."""
        alone = PRESS.match(answer)
        if alone:
            return "", int(alone.group(1))
        trailing = re.match(r"^(.*\S)\s+#(\d+)$", answer)
        if trailing and question.kind not in TEXT_FIELDS:
            number = int(trailing.group(2))
            if any(c.number == number for c in view_parts(form.view, self.style).choices):
                return trailing.group(1), number
        return answer, None

    def _press_in_view(self, form: Form, number: int) -> Reply | None:
        choices = view_parts(form.view, self.style).choices
        choice = next((c for c in choices if c.number == number), None)
        if choice is None:
            self.say(f"  ✗ the modal has no button [{number}]")
            return None
        if not self._confirmed(choice):
            return None
        return self.chat.press(self.user, choice, form)

    def _show_view(self, view: Mapping[str, Any]) -> None:
        parts = view_parts(view, self.style)
        if parts.title:
            self.say(parts.title)
        submit = _plain(view.get("submit")) or "Submit"
        self.say(f"(a form: answer each field; it is sent with {submit} after the last one)")
        if parts.choices:
            buttons = "  ".join(f"[{c.number}] {c.label}" for c in parts.choices)
            self.say(f"(buttons: {buttons}; #<n> at any field presses one, 90 #<n> answers first)")

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

    # -- what reached the PBX folder ------------------------------------------------------

    def _snapshot(self) -> dict[Path, str]:
        if self.exports is None or not self.exports.is_dir():
            return {}
        return {
            path: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.exports.rglob("*.json"))
            if path.is_file()
        }

    def _report_exports(self) -> None:
        now = self._snapshot()
        before = self._exported
        self._exported = now
        for path in now:
            if before.get(path) != now[path]:
                verb = "wrote" if path not in before else "updated"
                self.say(f"→ {verb} {shown_path(path)}")
        for path in before:
            if path not in now:
                self.say(f"→ removed {shown_path(path)}")


def escape_mentions(text: str, people: Sequence[Person]) -> str:
    """``@alice`` → ``<@U…|alice>`` for the workspace's members, as Slack escapes a slash
    command's text when the command has ``should_escape``; anything else is left as typed."""
    known = {p.handle.lower(): p for p in people}

    def escape(match: re.Match[str]) -> str:
        handle = match.group(1)
        person = known.get(handle.lower()) or known.get(handle.rstrip(".,;:").lower())
        if person is None:
            return match.group(0)
        trailing = handle[len(person.handle) :]
        return f"<@{person.user_id}|{person.handle}>{trailing}"

    return MENTION.sub(escape, text)


def _plain(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
