"""A modal as a terminal form: one question per input block, in the order the modal shows them.

Each :class:`Question` describes its input (label, hint, current value, the options or
people to choose from) and turns a typed answer into the ``view.state.values`` entry
Slack's client would send. The client-side checks Slack makes before a submit is sent
(a required field left empty, a number out of bounds, too many selections) are made
here too; whatever the app decides is left to the app's ``view_submission`` handler.

An empty answer keeps the current value; ``-`` clears an optional field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.shell.workspace import AnswerError, Workspace

Json = Mapping[str, Any]
StateValue = dict[str, Any]

CLEAR = "-"
TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input"}
SINGLE_SELECTS = {"static_select", "external_select", "radio_buttons"}
MULTI_SELECTS = {"multi_static_select", "multi_external_select", "checkboxes"}
NO_ONE = Workspace()  # no people or channels to pick from
YES_NO = {"y": True, "yes": True, "on": True, "n": False, "no": False, "off": False}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_NUMBERS = re.compile(r"^[\d\s,]+$")


@dataclass(frozen=True)
class Question:
    """One input block of a modal."""

    block_id: str
    action_id: str
    element: Json
    label: str
    hint: str = ""
    optional: bool = False
    dispatch: bool = False  # the input block has dispatch_action: the app hears each answer

    @property
    def key(self) -> tuple[str, str]:
        return (self.block_id, self.action_id)

    @property
    def kind(self) -> str:
        return str(self.element.get("type", ""))

    # -- the current value ---------------------------------------------------------

    def initial(self, workspace: Workspace = NO_ONE) -> StateValue:
        """The state Slack's client holds before the user touches the field."""
        e, kind = self.element, self.kind
        value: StateValue = {"type": kind}
        if kind in TEXT_INPUTS or kind == "number_input":
            initial = e.get("initial_value")
            value["value"] = None if initial in (None, "") else str(initial)
        elif kind in SINGLE_SELECTS:
            option = e.get("initial_option")
            value["selected_option"] = dict(option) if option else None
        elif kind in MULTI_SELECTS:
            value["selected_options"] = [dict(o) for o in e.get("initial_options") or ()]
        elif kind == "users_select":
            value["selected_user"] = e.get("initial_user")
        elif kind == "multi_users_select":
            value["selected_users"] = list(e.get("initial_users") or ())
        elif kind in {"conversations_select", "channels_select"}:
            noun = "conversation" if kind == "conversations_select" else "channel"
            initial = e.get(f"initial_{noun}")
            if initial is None and e.get("default_to_current_conversation"):
                initial = workspace.current_channel
            value[f"selected_{noun}"] = initial
        elif kind in {"multi_conversations_select", "multi_channels_select"}:
            noun = "conversations" if kind == "multi_conversations_select" else "channels"
            value[f"selected_{noun}"] = list(e.get(f"initial_{noun}") or ())
        elif kind == "datepicker":
            value["selected_date"] = e.get("initial_date")
        elif kind == "timepicker":
            value["selected_time"] = e.get("initial_time")
        elif kind == "rich_text_input":
            value["rich_text_value"] = e.get("initial_value") or _rich_text("")
        elif kind == "file_input":
            value["files"] = []
        return value

    def shown(self, value: StateValue, workspace: Workspace = NO_ONE) -> str:
        """A state value as the user would type it."""
        kind = self.kind
        if kind in TEXT_INPUTS or kind == "number_input":
            return str(value.get("value") or "")
        if kind in SINGLE_SELECTS:
            option = value.get("selected_option")
            return _option_text(option) if option else ""
        if kind == "checkboxes" and len(_options(self.element)) == 1:
            return "y" if value.get("selected_options") else "n"
        if kind in MULTI_SELECTS:
            return ", ".join(_option_text(o) for o in value.get("selected_options") or ())
        if kind == "users_select":
            user = value.get("selected_user")
            return workspace.handle(user) if user else ""
        if kind == "multi_users_select":
            return " ".join(workspace.handle(u) for u in value.get("selected_users") or ())
        if kind in {"conversations_select", "channels_select"}:
            channel = value.get("selected_conversation") or value.get("selected_channel")
            return workspace.channel_name(channel) if channel else ""
        if kind in {"multi_conversations_select", "multi_channels_select"}:
            many = value.get("selected_conversations") or value.get("selected_channels") or ()
            return " ".join(workspace.channel_name(c) for c in many)
        if kind == "datepicker":
            return str(value.get("selected_date") or "")
        if kind == "timepicker":
            return str(value.get("selected_time") or "")
        if kind == "rich_text_input":
            return _rich_text_plain(value.get("rich_text_value"))
        return ""

    def describe(self, current: StateValue, workspace: Workspace = NO_ONE) -> list[str]:
        """The lines printed before the question: label, hint, what can be chosen."""
        lines = [self.label + ("" if self.optional else " *")]
        if self.hint:
            lines.append(f"  {self.hint}")
        e, kind = self.element, self.kind
        if kind == "checkboxes" and len(_options(e)) == 1:
            lines.append(f"  y) {_option_text(_options(e)[0])}  n) no")
        elif kind in SINGLE_SELECTS or kind in MULTI_SELECTS:
            listed = [f"{n}) {_option_text(o)}" for n, o in enumerate(_options(e), 1)]
            lines.append("  " + "  ".join(listed) if listed else "  (no options)")
            if kind in MULTI_SELECTS:
                lines.append("  several: numbers or names separated by commas")
        elif kind in {"users_select", "multi_users_select"}:
            lines.append("  " + workspace.people_list())
        elif kind in {
            "conversations_select",
            "channels_select",
            "multi_conversations_select",
            "multi_channels_select",
        }:
            lines.append("  channels: " + " ".join("#" + c.name for c in workspace.channels))
        elif kind == "number_input":
            bounds = _bounds(e)
            if bounds:
                lines.append(f"  {bounds}")
        elif kind == "datepicker":
            lines.append("  a date: YYYY-MM-DD")
        elif kind == "timepicker":
            lines.append("  a time: HH:MM")
        elif kind == "file_input":
            lines.append("  (files cannot be attached from the shell; press enter)")
        return lines

    def prompt(self, current: StateValue, workspace: Workspace = NO_ONE) -> str:
        shown = self.shown(current, workspace)
        return f"{self.label} [{shown}]: " if shown else f"{self.label}: "

    # -- answering -------------------------------------------------------------------

    def parse(self, answer: str, workspace: Workspace = NO_ONE) -> StateValue:
        """The state value for a typed ``answer`` (not empty: empty keeps the current value)."""
        answer = answer.strip()
        if answer == CLEAR:
            return self.cleared()
        e, kind = self.element, self.kind
        if kind in TEXT_INPUTS:
            text = answer.replace("\\n", "\n") if e.get("multiline") else answer
            _check_length(text, e)
            if kind == "email_text_input" and not _EMAIL.match(text):
                raise AnswerError("please enter an email address, like dana@example.com")
            if kind == "url_text_input" and not _URL.match(text):
                raise AnswerError("please enter a URL starting with http:// or https://")
            return {"type": kind, "value": text}
        if kind == "number_input":
            return {"type": kind, "value": _number(answer, e)}
        if kind in SINGLE_SELECTS:
            return {"type": kind, "selected_option": dict(_pick(answer, _options(e)))}
        if kind == "checkboxes" and len(_options(e)) == 1 and answer.lower() in YES_NO:
            # a lone checkbox is a switch: y or n
            chosen = list(_options(e)) if YES_NO[answer.lower()] else []
            return {"type": kind, "selected_options": [dict(o) for o in chosen]}
        if kind in MULTI_SELECTS:
            chosen = _pick_many(answer, _options(e))
            _check_count(len(chosen), e)
            return {"type": kind, "selected_options": [dict(o) for o in chosen]}
        if kind == "users_select":
            return {"type": kind, "selected_user": workspace.person(answer).user_id}
        if kind == "multi_users_select":
            users: list[str] = []
            for token in re.split(r"[\s,]+", answer):
                user_id = workspace.person(token).user_id
                if user_id not in users:
                    users.append(user_id)
            _check_count(len(users), e)
            return {"type": kind, "selected_users": users}
        if kind in {"conversations_select", "channels_select"}:
            noun = "conversation" if kind == "conversations_select" else "channel"
            return {"type": kind, f"selected_{noun}": workspace.channel(answer).channel_id}
        if kind in {"multi_conversations_select", "multi_channels_select"}:
            noun = "conversations" if kind == "multi_conversations_select" else "channels"
            ids = [workspace.channel(t).channel_id for t in re.split(r"[\s,]+", answer)]
            _check_count(len(ids), e)
            return {"type": kind, f"selected_{noun}": ids}
        if kind == "datepicker":
            try:
                return {"type": kind, "selected_date": date.fromisoformat(answer).isoformat()}
            except ValueError:
                raise AnswerError("please enter a date as YYYY-MM-DD") from None
        if kind == "timepicker":
            try:
                return {"type": kind, "selected_time": time.fromisoformat(answer).strftime("%H:%M")}
            except ValueError:
                raise AnswerError("please enter a time as HH:MM") from None
        if kind == "rich_text_input":
            return {"type": kind, "rich_text_value": _rich_text(answer)}
        if kind == "file_input":
            raise AnswerError("files cannot be attached from the shell; press enter to skip")
        raise AnswerError(f"the shell cannot fill a {kind} field; press enter to skip")

    def cleared(self) -> StateValue:
        if not self.optional:
            raise AnswerError("this field is required; it cannot be cleared")
        empty = self.initial()
        for key in list(empty):
            if key != "type":
                empty[key] = [] if isinstance(empty[key], list) else None
        return empty

    def missing(self, value: StateValue) -> bool:
        """True when a required field holds nothing (Slack's client refuses to submit)."""
        if self.optional:
            return False
        return all(v in (None, "", []) for k, v in value.items() if k != "type")


def questions(view: Json) -> list[Question]:
    """The input blocks of ``view``, in order, as questions."""
    found = []
    for block in view.get("blocks") or ():
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        found.append(
            Question(
                block_id=str(block.get("block_id", "")),
                action_id=str(element.get("action_id", "")),
                element=element,
                label=_plain(block.get("label")),
                hint=_plain(block.get("hint")),
                optional=bool(block.get("optional", False)),
                dispatch=bool(block.get("dispatch_action", False)),
            )
        )
    return found


@dataclass
class Form:
    """The answers given so far to a modal, and the state Slack's client would submit.

    Answers are kept by ``(block_id, action_id)``, so they survive a ``views.update``
    that keeps those ids, as they do in Slack; an update that changes a block_id resets
    that field to the new view's initial value.
    """

    view: Json
    workspace: Workspace = field(default_factory=Workspace)
    answers: dict[tuple[str, str], StateValue] = field(default_factory=dict)

    @property
    def questions(self) -> list[Question]:
        return questions(self.view)

    def current(self, question: Question) -> StateValue:
        return self.answers.get(question.key) or question.initial(self.workspace)

    def answer(self, question: Question, text: str) -> None:
        """Record ``text`` for ``question``; empty keeps the current value.

        Raises AnswerError when the text does not fit the field, or when a required
        field would stay empty.
        """
        value = question.parse(text, self.workspace) if text.strip() else self.current(question)
        if question.missing(value):
            raise AnswerError("this field is required")
        if text.strip():
            self.answers[question.key] = value

    def state(self) -> dict[str, Any]:
        """``view.state`` as Slack's client fills it: ``{"values": {block: {action: …}}}``."""
        values: dict[str, dict[str, StateValue]] = {}
        for question in self.questions:
            values.setdefault(question.block_id, {})[question.action_id] = self.current(question)
        return {"values": values}

    def submitted_view(self) -> dict[str, Any]:
        """The view as it arrives in a view_submission or block_actions payload."""
        return {**self.view, "state": self.state()}

    def replace(self, view: Json) -> None:
        """The app updated the view; keep the answers whose ids are still there."""
        self.view = view
        keys = {q.key for q in self.questions}
        self.answers = {k: v for k, v in self.answers.items() if k in keys}

    def missing(self) -> list[Question]:
        """Required fields still empty: Slack's client would not send the submit."""
        return [q for q in self.questions if q.missing(self.current(q))]

    def with_errors(self, errors: Mapping[str, str]) -> list[tuple[Question, str]]:
        """The questions named by a ``response_action: errors`` map, in view order."""
        return [(q, str(errors[q.block_id])) for q in self.questions if q.block_id in errors]


# -- helpers ---------------------------------------------------------------------------


def _plain(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _options(element: Json) -> list[Json]:
    options = list(element.get("options") or ())
    for group in element.get("option_groups") or ():
        options.extend(group.get("options") or ())
    return options


def _option_text(option: Json) -> str:
    return _plain(option.get("text"))


def _pick(answer: str, options: Sequence[Json]) -> Json:
    if not options:
        raise AnswerError("this field has no options to choose from")
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    wanted = answer.casefold()
    for option in options:
        if wanted in {_option_text(option).casefold(), str(option.get("value", "")).casefold()}:
            return option
    starts = [o for o in options if _option_text(o).casefold().startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    listed = ", ".join(f"{n}) {_option_text(o)}" for n, o in enumerate(options, 1))
    raise AnswerError(f"no option {answer!r}; choose one of {listed}")


def _pick_many(answer: str, options: Sequence[Json]) -> list[Json]:
    tokens = re.split(r"[\s,]+", answer) if _NUMBERS.match(answer) else answer.split(",")
    chosen: list[Json] = []
    for token in (t.strip() for t in tokens):
        if token:
            option = _pick(token, options)
            if option not in chosen:
                chosen.append(option)
    return chosen


def _number(answer: str, element: Json) -> str:
    try:
        number = Decimal(answer)
    except InvalidOperation:
        raise AnswerError("please enter a number") from None
    if not number.is_finite():
        raise AnswerError("please enter a number")
    if not element.get("is_decimal_allowed") and number != number.to_integral_value():
        raise AnswerError("please enter a whole number")
    low, high = element.get("min_value"), element.get("max_value")
    if (low is not None and number < Decimal(str(low))) or (
        high is not None and number > Decimal(str(high))
    ):
        raise AnswerError(f"please enter a number {_bounds(element)}")
    return answer


def _bounds(element: Json) -> str:
    low, high = element.get("min_value"), element.get("max_value")
    if low is not None and high is not None:
        return f"between {low} and {high}"
    if low is not None:
        return f"of at least {low}"
    if high is not None:
        return f"of at most {high}"
    return ""


def _check_length(text: str, element: Json) -> None:
    low, high = element.get("min_length"), element.get("max_length")
    if low is not None and len(text) < int(low):
        raise AnswerError(f"please enter at least {low} characters")
    if high is not None and len(text) > int(high):
        raise AnswerError(f"please enter at most {high} characters")


def _check_count(count: int, element: Json) -> None:
    most = element.get("max_selected_items")
    if most is not None and count > int(most):
        raise AnswerError(f"choose at most {most}")


def _rich_text(text: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def _rich_text_plain(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    return "".join(
        str(leaf.get("text", ""))
        for section in value.get("elements") or ()
        for leaf in section.get("elements") or ()
    )
