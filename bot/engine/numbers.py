"""What a number is: the one place that tells an extension from a phone number.

SmartPBX tells them apart by length alone (fewer than 7 characters is an extension), so
the command line, the Create form, the import of SmartPBX's documents and the model's
checks all ask here. ASCII digits and ``\\Z`` throughout: ``\\d`` takes any Unicode digit
and ``$`` a trailing newline, neither of which a PBX can dial.
"""

from __future__ import annotations

import re

EXTENSION_MAX = 6  # SmartPBX: fewer than 7 characters is an extension (§a.4)

PRIMARY_EXTENSION = re.compile(r"^[0-9]{3}\Z")
EXTRA_EXTENSION = re.compile(r"^[0-9]{3,6}\Z")
DID = re.compile(r"^\+[0-9]{8,15}\Z")
# E.164: a country code never starts with 0, so neither does a number that can be dialed.
NEW_DID = re.compile(r"^\+[1-9][0-9]{7,14}\Z")
# An adopted group may carry a number that is neither a 3–6 digit extension nor E.164
# (e.g. an unnormalised 10-digit DID). At most 36 characters: Kazoo's callflow schema caps
# every entry of ``numbers`` there.
LEGACY_NUMBER = re.compile(r"^(?=.{7,36}\Z)\+?[0-9]{7,}\Z")

NEW_NUMBER_RULE = (
    "a new number is an extension of 3–6 digits, like 2040, or E.164: + then 8–15 digits, "
    "the first not 0, like +14155550123"
)


def is_extension(number: str) -> bool:
    """Whether SmartPBX files ``number`` as an extension rather than a phone number."""
    return len(number) <= EXTENSION_MAX and not number.startswith("+")


def may_be_added(number: str) -> bool:
    """Whether a user may type ``number`` in as new: one a PBX can ring."""
    return bool(EXTRA_EXTENSION.match(number) or NEW_DID.match(number))
