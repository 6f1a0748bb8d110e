"""Small builders with defaults for the engine tests: a directory, ids, a group as data."""

from __future__ import annotations

from typing import Any

from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import PbxIds


def hex_id(label: str) -> str:
    """A made-up 32-character Kazoo id that reads as what it is: ``hex_id("alice")``."""
    return label.encode().hex()[:32].ljust(32, "0")


USERS = ["alice", "bob", "carol", "dana", "erin", "frank", "grace", "heidi"]
USERS += ["ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"]

IDS = PbxIds(
    group_id=hex_id("group-sales"),
    base_callflow_id=hex_id("cf-sales-base"),
    user_callflow_id=hex_id("cf-sales-ring"),
    base_number="q8Jx2LmP0aZ7rT4vB9cN1dK6s",
)


def directory() -> Directory:
    """An account with 16 users (101…116), a device, a box, a menu, media and a group."""
    return Directory(
        users={
            hex_id(name): UserFact(
                name=name.title(),
                extension=str(101 + i),
                email=f"{name}@example.com",
                main_callflow_id=hex_id(f"cf-{name}"),
            )
            for i, name in enumerate(USERS)
        },
        devices={hex_id("front-desk"): "Front desk phone"},
        vmboxes={hex_id("vm-sales"): "Sales voicemail"},
        menus={hex_id("menu-main"): MenuFact(name="Main menu", callflow_id=hex_id("cf-menu"))},
        media={hex_id("media-hold"): "Hold music"},
        groups={
            hex_id("group-support"): GroupFact(
                name="Support",
                user_callflow_id=hex_id("cf-support-ring"),
                numbers=("300", "+14155550300"),
            )
        },
    )


def member(name: str, start: int = 0, end: int = 20) -> dict[str, Any]:
    return {"user_id": hex_id(name), "start": start, "end": end}


def group_data(**fields: Any) -> dict[str, Any]:
    """A valid group as plain data (Sales, 201, alice and bob), with ``fields`` replaced."""
    data: dict[str, Any] = {
        "name": "Sales",
        "extension": "201",
        "members": [member("alice"), member("bob")],
    }
    return data | fields
