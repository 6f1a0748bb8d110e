"""One Bolt listener, two steps: the acknowledgement on the request thread (its answer is
the HTTP response), then the work after it on an executor of ours, once Slack has its
answer.

The executor and the error handler come with the request (``Deps.after_ack``, wired by
``bot.app.create_app``), so whoever builds the app (a web worker, the shell) decides
where the work runs and may watch it; nothing here reaches into Bolt's listener runner.
Each step's arguments are Bolt's own injection (``build_required_kwargs``, by parameter
name, as for any listener). Bolt's lazy listeners would do the same but deep-copy the
whole request first (most of our time to acknowledge, docs/performance.md) and only log
their errors; the request thread does not touch the request after acknowledging, so the
work may simply have it.

An error in the acknowledgement goes up to Bolt, whose ``app.error`` puts it in the
answer; an error in the work goes to the same handler with no answer left to fill in.
What either step saved goes to the PBX last, after the work (``pushes``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.kwargs_injection import build_required_kwargs

from bot.commands import pushes
from bot.commands.roles import deps

Step = Callable[..., None]
ErrorHook = Callable[[Exception, BoltRequest], None]
"""(an error raised after the ack, its request): the app's error handler, answer gone."""


@dataclass(frozen=True)
class AfterAck:
    """Where the work after each acknowledgement runs, and who hears of its errors."""

    executor: Executor
    on_error: ErrorHook


def in_two_steps(acknowledge: Step, work: Step) -> Callable[[BoltRequest], None]:
    ack_names = list(inspect.signature(acknowledge).parameters)
    work_names = list(inspect.signature(work).parameters)

    def listener(request: BoltRequest) -> None:
        context = request.context
        try:
            acknowledge(**_arguments(acknowledge, ack_names, request))
        finally:
            saved = pushes.take_saved(context)  # a modal's save: pushed after the answer
        after = deps(context).after_ack

        def then() -> None:
            try:
                work(**_arguments(work, work_names, request))
            except Exception as error:
                after.on_error(error, request)
            try:
                pushes.push_saved(saved, context, context.client, request.body, context.respond)
            except Exception as error:
                after.on_error(error, request)

        after.executor.submit(then)

    listener.__name__ = listener.__qualname__ = work.__name__
    return listener


def _arguments(step: Step, names: list[str], request: BoltRequest) -> dict[str, Any]:
    return build_required_kwargs(
        logger=request.context.logger,
        required_arg_names=list(names),  # Bolt may drop a leading self from the list
        request=request,
        response=None,
        this_func=step,
        next_keys_required=False,
    )
