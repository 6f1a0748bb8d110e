"""A modal as a terminal form: asked, answered and submitted through the app.

The questions come from ``bot.shell.forms``; the answers are read one line each, in the
order the modal shows its inputs. An input the app listens to (``dispatch_action``) and a
button of the modal (``#<n>``, or ``90 #<n>`` to answer first) reach the app at once;
when it rebuilds the modal the form goes on where it was. The submission goes through
the app's ``view_submission`` handler; field errors are shown under their fields and
those fields asked again.

The modal's other blocks are printed where they are: those above an input before its
question, those below the last input (a preview, the Distribute button) once the last
question is answered, just before the submit. A modal with nothing to fill in or no
submit button (a notice, a refusal) is only printed, then closed, never submitted.

A line starting with ``/`` is not an answer: it closes the modal unsubmitted and runs as
the next command (``bot.shell.terminal.CommandLine``). From a pipe, a field the app
refused that comes back unchanged gives the form up, since no one can correct it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.shell.forms import Form, Question
from bot.shell.render import Choice, render_blocks, view_parts
from bot.shell.replies import Chat, Reply, is_refusal
from bot.shell.terminal import CANCEL, CommandLine, Lines, RefusedLine, answer
from bot.shell.text import Style
from bot.shell.workspace import AnswerError, Person

PRESS = re.compile(r"^#(\d+)$")
TEXT_FIELDS = {"plain_text_input", "email_text_input", "url_text_input", "rich_text_input"}


class Host(Protocol):
    """What a form needs from the session around it."""

    chat: Chat
    user: Person
    lines: Lines
    style: Style

    def say(self, text: str) -> None: ...

    def print_reply(self, reply: Reply) -> bool:
        """Print what the app sent; False when the interaction failed."""
        ...

    def confirmed(self, choice: Choice) -> bool:
        """Ask a button's confirm dialog, if it has one."""
        ...


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


class ModalForm:
    """Filling one modal; :meth:`run` answers it and returns whether it went through."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def run(self, view: dict[str, Any]) -> bool:
        """Answer the modal ``view`` from the following lines and submit it.

        Returns False when the modal was abandoned, when any submit came back with field
        errors (even if a later one succeeded), or when the modal only refused: the
        command did not go through cleanly. Raises :class:`CommandLine` (the modal
        closed) when a command was typed instead of an answer.
        """
        form = Form(view, self.host.chat.workspace)
        try:
            return self._fill(form)
        except CommandLine as command:
            self.host.print_reply(self.host.chat.close(self.host.user, form.view))
            if command.told:
                self.host.say("(modal closed unsent)")
            else:
                self.host.say(f"✗ {command.line} is a command, not an answer: modal closed unsent.")
                command.told = True
            raise

    def _fill(self, form: Form) -> bool:
        if not fillable(form.view):
            return self._only_show(form.view)
        ok = True
        self._show_view(form.view)
        # fresh: the questions are asked top to bottom with the blocks around them (not a
        # correction, where only the fields in question are asked again)
        pending, position, fresh = form.questions, 0, True
        refused: dict[str, Any] | None = None  # the state the app last refused
        flagged: list[Question] = []
        while True:
            while position < len(pending):
                question = pending[position]
                step = self._ask(form, question, in_context=fresh)
                if step is None:
                    position += 1
                    continue
                if step == "cancel":
                    self.host.print_reply(self.host.chat.close(self.host.user, form.view))
                    self.host.say("(modal closed)")
                    return False
                assert isinstance(step, _Changed)
                ok = self.host.print_reply(step.reply) and ok
                if step.reply.closed:
                    return ok
                if step.reply.view is not None:
                    form.replace(step.reply.view)
                    self.host.say("(the app updated the form)")
                    if not fillable(form.view):
                        return self._only_show(form.view) and ok
                pending = form.questions
                position = step.resume_at(pending)
                fresh = True
            if fresh:
                self._show_below(form)
            missing = form.missing()
            if missing:
                self.host.say("Still required: " + ", ".join(q.label for q in missing))
                pending, position, fresh = missing, 0, False
                continue
            if refused is not None and form.state() == refused:
                if not self.host.lines.interactive:
                    self.host.say(
                        "✗ The refused answers came back unchanged; the form is given up."
                    )
                    self.host.print_reply(self.host.chat.close(self.host.user, form.view))
                    return False
                self.host.say("  ✗ That is what the app refused: change it, or /cancel.")
                pending, position, fresh = flagged, 0, False
                continue
            reply = self.host.chat.submit(self.host.user, form)
            ok = self.host.print_reply(reply) and ok
            if reply.field_errors:
                refused, flagged = form.state(), self._flagged(form, reply.field_errors)
                if not flagged:
                    self.host.print_reply(self.host.chat.close(self.host.user, form.view))
                    return False
                ok, pending, position, fresh = False, flagged, 0, False
                continue
            refused = None
            if reply.view is not None and not reply.closed:
                # response_action update or push, or back to the view under a closed push
                form.replace(reply.view)
                if not fillable(form.view):
                    return self._only_show(form.view) and ok
                self._show_view(form.view)
                pending, position, fresh = form.questions, 0, True
                continue
            return ok

    def _flagged(self, form: Form, errors: Mapping[str, str]) -> list[Question]:
        """Show a submission's field errors; the questions to ask again."""
        flagged = form.with_errors(errors)
        for block_id in sorted(set(errors) - {q.block_id for q, _ in flagged}):
            self.host.say(f"✗ {errors[block_id]}")
        if flagged:
            self.host.say("Please correct:")
        for question, message in flagged:
            self.host.say(f"  {question.label}: ✗ {message}")
        return [q for q, _ in flagged]

    def _ask(self, form: Form, question: Question, *, in_context: bool) -> _Changed | str | None:
        """Ask one question until it is answered: None once the answer is recorded,
        "cancel", or what the app did when the answer (or a button) reached it.

        ``in_context``: show the modal's blocks above the input first (not when a field
        is asked again after an error)."""
        if in_context:
            above = view_parts(form.view, self.host.style).before.get(question.block_id)
            if above is not None and above.text:
                self.host.say(above.text)
        before = form.current(question)
        for described in question.describe(before, form.workspace):
            self.host.say(described)
        index = [q.key for q in form.questions].index(question.key)
        while True:
            try:
                line = answer(
                    self.host.lines, question.prompt(form.current(question), form.workspace)
                )
            except RefusedLine as refused:
                self.host.say(f"  ✗ {refused}")
                continue
            if line is None or line == CANCEL:
                return "cancel"
            typed, button = self._split_press(form, question, line.strip())
            if typed or button is None:
                try:
                    # empty keeps the value (refused when the field is required and empty)
                    form.answer(question, typed)
                except AnswerError as problem:
                    self.host.say(f"  ✗ {problem}")
                    continue
            if button is not None:
                reply = self._press_in_view(form, button)
                if reply is None:
                    continue
                return _Changed(reply, question.block_id, index, answered=bool(typed))
            if question.dispatch and form.current(question) != before:
                # Slack sends block_actions only when the value changed
                reply = self.host.chat.view_action(self.host.user, form, question)
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
            if any(c.number == number for c in view_parts(form.view, self.host.style).choices):
                return trailing.group(1), number
        return answer, None

    def _press_in_view(self, form: Form, number: int) -> Reply | None:
        choices = view_parts(form.view, self.host.style).choices
        choice = next((c for c in choices if c.number == number), None)
        if choice is None:
            self.host.say(f"  ✗ the modal has no button [{number}]")
            return None
        if not self.host.confirmed(choice):
            return None
        return self.host.chat.press(self.host.user, choice, form)

    def _only_show(self, view: Mapping[str, Any]) -> bool:
        """A modal with nothing to submit: printed whole, then closed as its Close button
        would. False when it is a refusal."""
        parts = view_parts(view, self.host.style)
        body = render_blocks(view.get("blocks") or (), self.host.style)
        refusal = is_refusal(view)
        text = f"✗ {body.text}" if refusal and body.text else body.text
        self.host.say("\n".join(part for part in (parts.title, text) if part))
        if body.choices:
            self.host.say("(the shell cannot press a button of a modal that has no form)")
        ok = self.host.print_reply(self.host.chat.close(self.host.user, view))
        return ok and not refusal

    def _show_below(self, form: Form) -> None:
        """The blocks below the last input (a preview, a button), before the submit."""
        below = view_parts(form.view, self.host.style).after
        if below.text:
            self.host.say(below.text)

    def _show_view(self, view: Mapping[str, Any]) -> None:
        parts = view_parts(view, self.host.style)
        if parts.title:
            self.host.say(parts.title)
        submit = plain(view.get("submit")) or "Submit"
        self.host.say(f"(a form: answer each field; it is sent with {submit} after the last one)")
        if parts.choices:
            buttons = "  ".join(f"[{c.number}] {c.label}" for c in parts.choices)
            self.host.say(
                f"(buttons: {buttons}; #<n> at any field presses one, 90 #<n> answers first)"
            )


def fillable(view: Mapping[str, Any]) -> bool:
    """Whether the modal is a form: it has inputs and a submit button."""
    has_input = any(block.get("type") == "input" for block in view.get("blocks") or ())
    return has_input and view.get("submit") is not None


def plain(obj: Any) -> str:
    """The string of a text object."""
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)
