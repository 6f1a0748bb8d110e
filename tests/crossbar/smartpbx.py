"""A SmartPBX account seeded on the crossbar emulator: users with their main callflows,
devices, voicemail boxes, the main menu and its callflow, media; and, from
../shared/kazoo/examples, the SmartPBX group "Sales" those examples describe.

The ids are the examples' own (their members, voicemail box and ringback media), so the
example group refers to what the account holds.
"""

from __future__ import annotations

import json
from typing import Any

from tests.crossbar.emulator import CrossbarEmulator
from tests.shared_files import require_shared

ALICE = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
BOB = "1b2c3d4e5f60718293a4b5c6d7e8f90a"
CAROL = "2c3d4e5f60718293a4b5c6d7e8f90a1b"
DANA = "4d5e6f708192a3b4c5d6e7f8091a2b3c"  # no email and no main callflow: made by the API
SALES_VOICEMAIL = "3e2d1c0b9a8f7e6d5c4b3a2918070605"
RINGBACK = "5d4c3b2a190817f6e5d4c3b2a1908172"
MAIN_MENU = "6e5d4c3b2a190817f6e5d4c3b2a19081"
MAIN_MENU_CALLFLOW = "7f6e5d4c3b2a190817f6e5d4c3b2a190"
EXAMPLE_GROUP = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
EXAMPLE_BASE_CALLFLOW = "7a6b5c4d3e2f10a9b8c7d6e5f4a3b2c1"

PEOPLE = (
    (ALICE, "Alice", "Smith", "alice@example.com", "101"),
    (BOB, "Bob", "Jones", "Bob@Example.com", "102"),
    (CAROL, "Carol", "White", "carol@example.com", "103"),
)


def main_callflow_id(user_id: str) -> str:
    return "c" + user_id[1:]


def seed_account(crossbar: CrossbarEmulator) -> None:
    """The account's directory as SmartPBX leaves it."""
    for user_id, first, last, email, extension in PEOPLE:
        crossbar.seed(
            "users",
            {
                "id": user_id,
                "first_name": first,
                "last_name": last,
                "email": email,
                "username": email,
                "presence_id": extension,
                "priv_level": "user",
            },
        )
        # SmartPBX's mainUserCallflow: the user's extension, ringing the user, then voicemail
        crossbar.seed(
            "callflows",
            {
                "id": main_callflow_id(user_id),
                "name": f"{first} {last} SmartPBX's Callflow",
                "type": "mainUserCallflow",
                "owner_id": user_id,
                "numbers": [extension],
                "flow": {
                    "module": "user",
                    "data": {"id": user_id, "timeout": 20},
                    "children": {"_": {"module": "voicemail", "data": {}, "children": {}}},
                },
            },
        )
    crossbar.seed(
        "users",
        {"id": DANA, "first_name": "Dana", "last_name": "Lee", "do_not_disturb": {"enabled": True}},
    )
    for name, owner, extra in (
        ("Alice desk phone", ALICE, {}),
        ("Bob softphone", BOB, {"enabled": False}),
        ("Dana desk phone", DANA, {}),
        ("Lobby phone", None, {}),
    ):
        device = {"name": name, "owner_id": owner, "device_type": "sip_device"}
        crossbar.seed("devices", device | extra)
    crossbar.seed("vmboxes", {"id": SALES_VOICEMAIL, "name": "Sales voicemail", "mailbox": "2001"})
    crossbar.seed("vmboxes", {"name": "Alice Smith VM", "mailbox": "101", "owner_id": ALICE})
    crossbar.seed("menus", {"id": MAIN_MENU, "name": "Main Menu"})
    crossbar.seed("menus", {"name": "Unused menu"})  # no callflow runs it
    crossbar.seed(
        "callflows",
        {
            "id": MAIN_MENU_CALLFLOW,
            "name": "MainOpenHoursMenu",
            "type": "main",
            "numbers": ["MainOpenHoursMenu"],
            "flow": {"module": "menu", "data": {"id": MAIN_MENU}, "children": {}},
        },
    )
    crossbar.seed("media", {"id": RINGBACK, "name": "Sales ringback", "media_source": "upload"})
    crossbar.seed("media", {"name": "Welcome greeting", "media_source": "upload"})


def seed_example_group(crossbar: CrossbarEmulator) -> None:
    """The SmartPBX group of ../shared/kazoo/examples: its group document, its edited
    base callflow and its userGroup callflow with every feature."""
    crossbar.seed("groups", {"id": EXAMPLE_GROUP, **_example("synth-smartpbx-group.json")})
    base = _example("synth-smartpbx-baseGroup-callflow-edited.json")
    crossbar.seed("callflows", {"id": EXAMPLE_BASE_CALLFLOW, **base})
    crossbar.seed("callflows", _example("synth-smartpbx-userGroup-callflow-all-features.json"))


def _example(name: str) -> dict[str, Any]:
    document = json.loads(require_shared("kazoo", "examples", name).read_text())
    assert isinstance(document, dict)
    return document
