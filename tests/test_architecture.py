"""Dependencies point inward: commands → services → storage/pbx → engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

FORBIDDEN = {
    "engine": (
        "slack_bolt",
        "slack_sdk",
        "sqlalchemy",
        "alembic",
        "apscheduler",
        "httpx",
        "bot.storage",
        "bot.pbx",
        "bot.commands",
        "bot.services",
        "bot.app",
        "bot.shell",
    ),
    "storage": ("slack_bolt", "bot.commands", "bot.services", "bot.app", "bot.pbx", "bot.shell"),
    "pbx": (
        "slack_bolt",
        "slack_sdk",
        "sqlalchemy",
        "bot.storage",
        "bot.commands",
        "bot.services",
        "bot.app",
    ),
    "commands": ("sqlalchemy", "bot.storage", "bot.pbx", "httpx"),
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_inward(package: str) -> None:
    offences = []
    for path in sorted((BOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offences.append(f"{path.relative_to(BOT.parent)} imports {name}")
    assert offences == []
