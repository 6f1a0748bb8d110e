"""The register of ``/group`` subcommands (``bot.commands.subcommands.FAMILIES``): each
one it lists can be read, is explained, and is answered; and the help shows every one."""

from __future__ import annotations

import pytest

from bot.commands.parser import parse
from bot.commands.subcommands import FAMILIES, REGISTERED, Opens, Posts, Replies
from tests.commands.inprocess import InProcess, app
from tests.db import backend, fresh_url

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below


@pytest.mark.parametrize("name", sorted(REGISTERED))
def test_every_example_is_read_into_a_command_its_family_answers(name: str) -> None:
    subcommand = REGISTERED[name]
    assert subcommand.spec.examples, name
    reached = set()
    for example in subcommand.spec.examples:
        assert example.split()[0] == name, example
        command = parse(example)
        assert type(command) in subcommand.handlers, example
        assert command.subcommand == name, example
        reached.add(type(command))
    # each command the family answers is shown by at least one example
    assert reached == set(subcommand.handlers), name
    for handler in subcommand.handlers.values():
        assert isinstance(handler, Replies | Posts | Opens), name


def test_a_word_is_registered_once() -> None:
    words = [sub.spec.name for family in FAMILIES for sub in family.SUBCOMMANDS]
    assert len(words) == len(set(words)) == len(REGISTERED)


def test_every_form_has_a_title() -> None:
    forms = [
        handler
        for sub in REGISTERED.values()
        for handler in sub.handlers.values()
        if isinstance(handler, Opens)
    ]
    assert len(forms) == 5  # create, edit, members, features, setup
    assert all(form.title for form in forms)


def test_the_help_a_user_reads_lists_every_registered_subcommand(app: InProcess) -> None:
    overview = app.said("help")
    for name, subcommand in REGISTERED.items():
        assert f"/group {subcommand.spec.usage}" in overview, name
        assert subcommand.spec.summary in overview, name
