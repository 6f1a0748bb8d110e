"""A unit of work: one ``Session`` and the repositories over it, committed explicitly.

    with uow_factory() as uow:
        record = uow.groups.find(account_id, "sales")
        ...
        uow.commit()

Leaving the block without ``commit()`` (or by an exception) rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.errors import Taken
from bot.storage.recordings import Recordings
from bot.storage.repositories import (
    Directories,
    Groups,
    Outbox,
    Revisions,
    Settings,
    Workspaces,
)


class UnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.workspaces = Workspaces(self.session)
        self.directory = Directories(self.session)
        self.groups = Groups(self.session)
        self.revisions = Revisions(self.session)
        self.outbox = Outbox(self.session)
        self.recordings = Recordings(self.session)
        self.settings = Settings(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()  # a no-op after commit()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    @contextmanager
    def claiming(self) -> Iterator[None]:
        """Writes that claim names and numbers: a unique rule's refusal rolls back and
        comes out as ``Taken``."""
        try:
            yield
        except IntegrityError:
            self.session.rollback()
            raise Taken from None


UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(session_factory: sessionmaker[Session]) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(session_factory)
