"""The five features in words: badges for lists, one line each for ``/group show``."""

from __future__ import annotations

from bot.commands.views.common import escape, escape_name
from bot.engine.directory import Directory
from bot.engine.model import Features, NextActionKind, RingbackKind

BADGES = {
    "call_recording": "🔴 rec",
    "ringback": "🔔 ringback",
    "next_action": "➡ next",
    "allow_call_forward": "↪ fwd",
    "caller_id_prepend": "🏷 prepend",
}


def active_features(features: Features) -> list[str]:
    """The names (``Features`` field names) of the features not at their default."""
    on = []
    if features.call_recording.enabled:
        on.append("call_recording")
    if features.ringback.kind is not RingbackKind.DEFAULT:
        on.append("ringback")
    if features.next_action.kind is not NextActionKind.NONE:
        on.append("next_action")
    if features.allow_call_forward:
        on.append("allow_call_forward")
    if features.caller_id_prepend.enabled:
        on.append("caller_id_prepend")
    return on


def feature_badges(features: Features) -> str:
    """``🔴 rec  ➡ next``, or empty when every feature is at its default."""
    return "  ".join(BADGES[name] for name in active_features(features))


def target_name(kind: NextActionKind, target_id: str | None, directory: Directory | None) -> str:
    if target_id is None:
        return "?"
    if directory is not None:
        if kind is NextActionKind.VOICEMAIL and target_id in directory.vmboxes:
            return directory.vmboxes[target_id]
        if kind is NextActionKind.USER and target_id in directory.users:
            return directory.users[target_id].name
        if kind is NextActionKind.DEVICE and target_id in directory.devices:
            return directory.devices[target_id]
        if kind is NextActionKind.MENU and target_id in directory.menus:
            return directory.menus[target_id].name
        if kind is NextActionKind.GROUP and target_id in directory.groups:
            return directory.groups[target_id].name
    return target_id


# One meaning, one wording, everywhere forward is named (form, help, replies, show, history):
# SmartPBX's "Allow call-forward" toggles Kazoo's ignore_forward, which is about SIP
# redirects from the ringing phone, not the users' own call-forward settings
# (kazoo-smartpbx.md §c.2).
FORWARD_LABEL = "Allow call-forward"
FORWARD_ALLOWED = "a ringing phone may forward the call (its Forward key)"
FORWARD_DENIED = "a ringing phone may not forward the call (its Forward key)"


NEXT_KIND_LABELS = {
    NextActionKind.NONE: "“Not available” prompt",
    NextActionKind.VOICEMAIL: "Voicemail box",
    NextActionKind.USER: "User",
    NextActionKind.DEVICE: "Device",
    NextActionKind.MENU: "Menu",
    NextActionKind.GROUP: "Another group",
}


def feature_lines(features: Features, directory: Directory | None = None) -> list[str]:
    """Each of the five features in a short line of mrkdwn."""
    rec = features.call_recording
    if rec.enabled:
        where = f", sent to {escape(rec.url)}" if rec.url else ""
        recording = f"🔴 *Call recording* on: {rec.format.value}, up to {rec.time_limit} s{where}"
    else:
        recording = "*Call recording* off"
    ring = features.ringback
    if ring.kind is RingbackKind.MEDIA:
        media = ring.media_id or "?"
        if directory is not None:
            media = directory.media.get(media, media)
        ringback = f"🔔 *Ringback*: media “{escape(media)}”"
    elif ring.kind is RingbackKind.SILENCE:
        ringback = "🔔 *Ringback*: silence"
    else:
        ringback = "*Ringback*: default ringing"
    action = features.next_action
    if action.kind is NextActionKind.NONE:
        following = "*Next action*: the “not available” prompt"
    else:
        name = escape_name(target_name(action.kind, action.target_id, directory))
        following = f"➡ *Next action*: {NEXT_KIND_LABELS[action.kind].lower()} {name}"
    forward = (
        f"↪ *{FORWARD_LABEL}*: on ({FORWARD_ALLOWED})"
        if features.allow_call_forward
        else f"*{FORWARD_LABEL}*: off"
    )
    prepend = features.caller_id_prepend
    if prepend.enabled:
        parts = []
        if prepend.name_prefix:
            parts.append(f"name “{escape(prepend.name_prefix)}”")
        if prepend.number_prefix:
            parts.append(f"number “{escape(prepend.number_prefix)}”")
        caller = "🏷 *Caller ID prepend*: " + ", ".join(parts)
    else:
        caller = "*Caller ID prepend* off"
    return [recording, ringback, following, forward, caller]
