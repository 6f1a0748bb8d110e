"""Watching the Bolt app work, without changing what it does.

The shell waits until a listener has finished everything it does after ``ack()`` (its
listener pool is wrapped to count running work), and learns of the errors that reached
Bolt's listener error handler (wrapped to remember them before handing them on).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

from slack_bolt import App, BoltResponse
from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
from slack_bolt.listener.listener_error_handler import ListenerErrorHandler
from slack_bolt.request import BoltRequest

_P = ParamSpec("_P")
_T = TypeVar("_T")


class TrackedExecutor(Executor):
    """The app's listener pool, counting the work still running so the shell can wait."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        with self._idle:
            self._busy += 1

        def run() -> _T:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

        try:
            return self._inner.submit(run)
        except BaseException:
            with self._idle:
                self._busy -= 1
            raise

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class ErrorWitness(ListenerErrorHandler):
    """Hands every listener error to the app's own handler, and remembers it."""

    def __init__(self, inner: ListenerErrorHandler) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.errors: list[Exception] = []

    def handle(self, error: Exception, request: BoltRequest, response: BoltResponse | None) -> None:
        with self._lock:
            self.errors.append(error)
        self._inner.handle(error, request, response)

    def since(self, count: int) -> list[Exception]:
        with self._lock:
            return self.errors[count:]


def observe(app: App) -> tuple[TrackedExecutor, ErrorWitness]:
    """Wrap the app's listener pool and error handler (see the module docstring)."""
    runner = app.listener_runner
    tracked = TrackedExecutor(runner.listener_executor)
    runner.listener_executor = tracked
    if isinstance(runner.lazy_listener_runner, ThreadLazyListenerRunner):
        runner.lazy_listener_runner.executor = tracked
    witness = ErrorWitness(runner.listener_error_handler)
    runner.listener_error_handler = witness
    return tracked, witness
