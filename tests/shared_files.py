"""Where the reference files in ../shared live, and a skip when they are absent.

The schemas and examples are never copied into the project: tests read them from
``$GROUPBOT_SHARED`` or from ``../shared`` beside the repository, and skip with a
stated reason on a clone that has neither.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    configured = os.environ.get("GROUPBOT_SHARED")
    candidates = [Path(configured)] if configured else []
    candidates.append(REPO.parent / "shared")
    for candidate in candidates:
        if (candidate / "kazoo").is_dir() or (candidate / "slack").is_dir():
            return candidate
    return None


def require_shared(*parts: str) -> Path:
    """The path under the shared folder, or skip the test saying what is missing."""
    base = shared_dir()
    if base is None:
        pytest.skip("../shared is not beside this clone and GROUPBOT_SHARED is not set")
    path = base.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent from the shared folder")
    return path
