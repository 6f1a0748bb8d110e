"""Dependencies point inward: commands → services → storage/pbx → engine."""

from __future__ import annotations

import ast
import re
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
        "bot.errors",
        "bot.config",
        "matplotlib",  # drawing is the views' business
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
    "services": ("sqlalchemy", "bot.storage.models", "slack_bolt", "bot.commands", "bot.shell"),
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


EMULATOR = BOT.parent / "slackemu"


def test_the_slack_emulator_stays_outside_the_product() -> None:
    """The emulator is a sibling package: only the shell plays Slack with it, and it knows
    nothing of groupbot, so the product never depends on a test tool."""
    offences = []
    for path in sorted(BOT.rglob("*.py")):
        if path.is_relative_to(BOT / "shell"):
            continue
        offences += [
            f"{path.relative_to(BOT.parent)} imports {name}"
            for name in imported_modules(path)
            if name == "slackemu" or name.startswith("slackemu.")
        ]
    for path in sorted(EMULATOR.rglob("*.py")):
        offences += [
            f"{path.relative_to(BOT.parent)} imports {name}"
            for name in imported_modules(path)
            if name == "bot" or name.startswith("bot.")
        ]
    assert offences == []


def test_the_engine_imports_nothing_of_ours_outside_itself() -> None:
    offences = [
        f"{path.relative_to(BOT.parent)} imports {name}"
        for path in sorted((BOT / "engine").rglob("*.py"))
        for name in imported_modules(path)
        if name.startswith("bot.") and not name.startswith("bot.engine")
    ]
    assert offences == []


def test_nothing_of_ours_reaches_into_bolts_private_attributes() -> None:
    """Bolt's listener runner and its private attributes change between releases: the
    work after an ack runs on our executor (``commands.two_steps``), not Bolt's."""
    private = re.compile(r"\blistener_runner\b|\.\s*_listener\w*|\blistener_error_handler\b")
    offences = [
        f"{path.relative_to(BOT.parent)}:{number}: {line.strip()}"
        for path in sorted(BOT.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if private.search(line)
    ]
    assert offences == []
