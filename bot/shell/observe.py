"""Watching the app work, without changing what it does.

The shell hands ``create_app`` (its ``after_ack`` and ``witness``) a ``Watch``: the
executor the work after each ``ack()`` runs on, counting the work still running so the
shell can wait for it, and a witness that remembers every error the app's error handler
answers, before or after the ack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")


class TrackedExecutor(Executor):
    """The app's pool for the work after each ack, counting the work still running so
    the shell can wait."""

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


class ErrorWitness:
    """Remembers every error the app's error handler is given."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.errors: list[Exception] = []

    def __call__(self, error: Exception) -> None:
        with self._lock:
            self.errors.append(error)

    def since(self, count: int) -> list[Exception]:
        with self._lock:
            return self.errors[count:]


class Watch:
    """What the shell gives ``create_app`` to watch it with (see the module docstring)."""

    def __init__(self, threads: int = 4) -> None:
        self.executor = TrackedExecutor(ThreadPoolExecutor(threads, thread_name_prefix="after"))
        self.witness = ErrorWitness()
