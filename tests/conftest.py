"""Options shared by the whole test suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    # Golden files (tests/engine/cases) are rewritten from the compiler's output, never by
    # hand; review the diff before committing it.
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected documents of the golden cases from the current output",
    )
