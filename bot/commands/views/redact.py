"""What only admins may read: the secret in groupbot's own recording URLs.

A group whose recordings go to groupbot (``url=groupbot``) holds a URL naming the
workspace by a secret (``…/recordings/<secret>/<group>``); whoever has it can upload
recordings that count against the workspace's storage. Only admins can rotate it, so
only admins see it: everyone else reads ``…/recordings/•••/<group>`` wherever a reply
would show it (``show``, ``callflow``, ``history``).
"""

from __future__ import annotations

import re
from typing import Any

# secrets.token_urlsafe(24) is 32 characters of [A-Za-z0-9_-]; any such run of 20 or more
# after /recordings/ is taken for one
_SECRET = re.compile(r"(/recordings/)[A-Za-z0-9_-]{20,}(?=/|\b)")
HIDDEN = "•••"


def hide_secret(text: str) -> str:
    return _SECRET.sub(rf"\g<1>{HIDDEN}", text)


def hide_secrets(value: Any) -> Any:
    """``value`` (a message, blocks, any JSON) with every recording secret hidden."""
    if isinstance(value, str):
        return hide_secret(value)
    if isinstance(value, dict):
        return {key: hide_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [hide_secrets(item) for item in value]
    return value
