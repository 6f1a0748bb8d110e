"""What a Slack client shows for a message's mrkdwn: assert on that, not on the markup.

Slack reads ``<…>`` as markup wherever it appears: ``<@U1|dana>`` is a mention, ``<#C1>``
a channel, ``<!here>`` or ``<!date^…|fallback>`` a token, ``<https://…|label>`` a link,
and anything else in angle brackets is taken as a link too and shows only its inside
(so an unescaped "<group>" shows as "group"). ``&lt;``, ``&gt;`` and ``&amp;`` show as
``<``, ``>`` and ``&``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.commands.ids import Block

_MARKUP = re.compile(r"<([^<>]*)>")


def _markup(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        return label or "@" + target[1:].split("^")[0]
    return label or target


def as_shown(mrkdwn: str) -> str:
    """One mrkdwn text as a reader sees it (emphasis markers left as they are)."""
    text = _MARKUP.sub(lambda m: _markup(m.group(1)), mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown(message: Mapping[str, Any]) -> str:
    """Everything a message or view shows: its text, and the text of its blocks."""
    parts = [str(message.get("text") or "")] if isinstance(message.get("text"), str) else []
    parts += [block_shown(block) for block in message.get("blocks") or []]
    return as_shown("\n".join(parts))


def block_shown(block: Mapping[str, Any]) -> str:
    """What one block shows: a section's text and fields, a context's texts."""
    return as_shown("\n".join(_block_texts(block)))


def _block_texts(block: Mapping[str, Any]) -> list[str]:
    """The mrkdwn or plain texts of a block, as sent."""
    parts = []
    text = block.get("text")
    if isinstance(text, Mapping):
        parts.append(str(text.get("text", "")))
    for element in block.get("fields") or block.get("elements") or []:
        if isinstance(element, Mapping) and isinstance(element.get("text"), str):
            parts.append(element["text"])
    return parts


def error_text(message: Mapping[str, Any]) -> str | None:
    """What the error section says (``Block.ERROR``), or None when it is not an error."""
    for block in message.get("blocks") or []:
        if block.get("block_id") == Block.ERROR:
            return as_shown(str(block["text"]["text"]))
    return None


def mention(user_id: str) -> str:
    """A mention as Slack sends it with should_escape: ``<@U1|u1>``."""
    return f"<@{user_id}|{user_id.lower()}>"


def text_of(reply: Mapping[str, Any]) -> str:
    """Everything a reply says: its text and the text of its blocks (markup as sent)."""
    parts = [str(reply.get("text") or "")]
    for block in reply.get("blocks") or []:
        parts += _block_texts(block)
    return "\n".join(parts)
