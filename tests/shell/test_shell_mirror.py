"""``groupbot shell`` with a Slack user group: ``/usergroup`` sets its members and the
real app, mirroring it, follows each change as Slack would tell it."""

from __future__ import annotations

import pytest

from tests.shell.test_shell import Shell, shell  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


def test_a_group_follows_a_user_group_set_in_the_shell(shell: Shell) -> None:  # noqa: F811
    done = shell(
        "/usergroup @oncall @carol @dana",
        "/group create Sales 201 @alice @bob",
        "/group mirror Sales @oncall",
        "/usergroup @oncall @dana @erin",
        "/group mirror Sales off",
        "/usergroup @oncall @alice",
        "/group show Sales",
    )

    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "@oncall's members are now @carol, @dana." in out
    assert "Sales now follows @oncall: added Carol White, Dana Brown; removed Alice Smith" in out
    assert "Sales no longer follows @oncall; its members stay as they are." in out
    shown = out.rsplit("groupbot> /group show Sales", 1)[1]
    assert "Dana Brown" in shown
    assert "Erin Green" in shown
    assert "Alice Smith" not in shown
