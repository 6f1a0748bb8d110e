"""The database fixtures of ``tests.db`` for every storage test."""

from tests.db import *  # noqa: F403
