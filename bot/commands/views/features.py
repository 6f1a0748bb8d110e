"""The Features modal (``/group features``, the Features button) and its reader.

A feature's settings are shown only while it is on. The toggles (and the next-action
kind) are inputs with ``dispatch_action``: on a change the handler reads the state with
``read_features`` and rebuilds the modal with ``features_modal`` (``views.update``).
Block_ids stay the same across rebuilds so Slack keeps what was typed; the next-action
target's block_id names its kind (``next_target:<kind>``), so a new kind starts empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands.ids import Action, Block, Callback, suffixed
from bot.commands.views import state as st
from bot.commands.views.badges import FORWARD_ALLOWED, FORWARD_LABEL, NEXT_KIND_LABELS
from bot.commands.views.common import (
    MAX_OPTIONS,
    ModalMeta,
    View,
    clip,
    context,
    divider,
    input_block,
    modal,
    number_input,
    option,
    static_select,
    text_input,
    toggle,
)
from bot.commands.views.common import Block as BlockDict
from bot.engine.directory import Directory
from bot.engine.model import (
    MAX_NAME_PREFIX,
    MAX_NUMBER_PREFIX,
    MAX_TIME_LIMIT,
    MIN_TIME_LIMIT,
    Features,
    NextActionKind,
    RecordingFormat,
    RingbackKind,
)

MEDIA_PREFIX = "media:"

Draft = Mapping[str, Any]
"""Feature values, possibly unsaved and invalid: the shape of
``Features.model_dump(mode="json")``, as ``read_features`` returns it."""


def draft_of(features: Features | Draft | None) -> dict[str, Any]:
    """A full draft: the defaults, overlaid with ``features``."""
    base = Features().model_dump(mode="json")
    if features is None:
        return base
    given = features.model_dump(mode="json") if isinstance(features, Features) else features
    for key, value in given.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def _ringback_value(ringback: Mapping[str, Any]) -> str:
    kind = str(ringback.get("kind") or RingbackKind.DEFAULT)
    if kind == RingbackKind.MEDIA and ringback.get("media_id"):
        return MEDIA_PREFIX + str(ringback["media_id"])
    return kind


def ringback_options(directory: Directory) -> list[BlockDict]:
    options = [option("Default ringing", RingbackKind.DEFAULT), option("Silence", "silence")]
    media = sorted(directory.media.items(), key=lambda item: item[1].casefold())
    options += [option(f"🎵 {name}", MEDIA_PREFIX + media_id) for media_id, name in media]
    return options[:MAX_OPTIONS]


def target_options(
    kind: NextActionKind, directory: Directory, own_group: str | None = None
) -> list[BlockDict]:
    """The directory's choices for a next-action kind, by name (at most 100); never the
    group the form is for (``own_group``, its PBX id): it cannot send calls to itself."""
    names: dict[str, str]
    if kind is NextActionKind.VOICEMAIL:
        names = dict(directory.vmboxes)
    elif kind is NextActionKind.USER:
        names = {i: u.name for i, u in directory.users.items()}
    elif kind is NextActionKind.DEVICE:
        names = dict(directory.devices)
    elif kind is NextActionKind.MENU:
        names = {i: m.name for i, m in directory.menus.items()}
    elif kind is NextActionKind.GROUP:
        names = {i: g.name for i, g in directory.groups.items() if i != own_group}
    else:
        names = {}
    ordered = sorted(names.items(), key=lambda item: item[1].casefold())
    return [option(name, target_id) for target_id, name in ordered][:MAX_OPTIONS]


def _next_kind(value: object) -> NextActionKind:
    try:
        return NextActionKind(str(value))
    except ValueError:
        return NextActionKind.NONE


def recording_blocks(recording: Mapping[str, Any]) -> list[BlockDict]:
    blocks = [
        input_block(
            Block.RECORDING,
            "Call recording",
            toggle(
                Action.RECORDING_TOGGLE,
                "Record calls to this group",
                bool(recording.get("enabled")),
            ),
            optional=True,
            dispatch=True,
        )
    ]
    if not recording.get("enabled"):
        return blocks
    formats = [option(f.value, f.value) for f in RecordingFormat]
    url = recording.get("url")
    url_element: BlockDict = {"type": "url_text_input", "action_id": Action.RECORDING_URL}
    if url:
        url_element["initial_value"] = str(url)
    blocks += [
        input_block(
            Block.RECORDING_FORMAT,
            "Format",
            static_select(
                Action.RECORDING_FORMAT,
                formats,
                str(recording.get("format") or RecordingFormat.MP3),
            ),
        ),
        input_block(
            Block.RECORDING_LIMIT,
            "Time limit (s)",
            number_input(
                Action.RECORDING_LIMIT,
                recording.get("time_limit"),
                minimum=MIN_TIME_LIMIT,
                maximum=MAX_TIME_LIMIT,
            ),
            hint=f"{MIN_TIME_LIMIT}–{MAX_TIME_LIMIT} seconds; a recording stops there.",
        ),
        input_block(
            Block.RECORDING_URL,
            "Send recordings to (URL)",
            url_element,
            optional=True,
            # Slack's url_text_input takes no max_length: the engine checks MAX_URL
            hint="http:// or https:// only; leave empty to keep them on the PBX.",
        ),
        input_block(
            Block.RECORDING_TO_GROUPBOT,
            "Or",
            toggle(Action.RECORDING_TO_GROUPBOT, "Send recordings to groupbot", False),
            optional=True,
            hint="groupbot keeps them and counts them in the storage report "
            "(this replaces the URL above).",
        ),
    ]
    return blocks


def next_action_blocks(
    action: Mapping[str, Any], directory: Directory, own_group: str | None = None
) -> list[BlockDict]:
    kind = _next_kind(action.get("kind"))
    kinds = [option(label, k.value) for k, label in NEXT_KIND_LABELS.items()]
    blocks = [
        input_block(
            Block.NEXT_KIND,
            "When nobody answers",
            static_select(Action.NEXT_KIND, kinds, kind.value),
            dispatch=True,
        )
    ]
    if kind is NextActionKind.NONE:
        return blocks
    choices = target_options(kind, directory, own_group)
    label = NEXT_KIND_LABELS[kind]
    if not choices:
        blocks.append(context([f"The PBX directory has no {label.lower()} to choose from."]))
        return blocks
    blocks.append(
        input_block(
            suffixed(Block.NEXT_TARGET, kind.value),
            label,
            static_select(
                Action.NEXT_TARGET,
                choices,
                action.get("target_id"),
                placeholder=f"Choose the {label.lower()}",
            ),
        )
    )
    return blocks


def prepend_blocks(prepend: Mapping[str, Any]) -> list[BlockDict]:
    on = bool(prepend.get("enabled"))
    blocks = [
        input_block(
            Block.PREPEND,
            "Caller ID prepend",
            toggle(Action.PREPEND_TOGGLE, "Prefix the caller's name or number", on),
            optional=True,
            dispatch=True,
        )
    ]
    if on:
        blocks += [
            input_block(
                Block.PREPEND_NAME,
                "Name prefix",
                text_input(
                    Action.PREPEND_NAME,
                    prepend.get("name_prefix") or None,
                    placeholder="Sales:",
                    max_length=MAX_NAME_PREFIX,
                ),
                optional=True,
            ),
            input_block(
                Block.PREPEND_NUMBER,
                "Number prefix",
                text_input(
                    Action.PREPEND_NUMBER,
                    prepend.get("number_prefix") or None,
                    placeholder="9",
                    max_length=MAX_NUMBER_PREFIX,
                ),
                optional=True,
                hint="A name prefix, a number prefix, or both.",
            ),
        ]
    return blocks


def features_modal(
    meta: ModalMeta,
    directory: Directory,
    features: Features | Draft | None = None,
) -> View:
    """The five features as ``features`` has them (the stored ones, or a draft read from
    the open modal), each one's settings only while it is on."""
    draft = draft_of(features)
    ringback = draft["ringback"]
    blocks: list[BlockDict] = [
        *recording_blocks(draft["call_recording"]),
        divider(),
        input_block(
            Block.RINGBACK,
            "Ringback (what callers hear)",
            static_select(Action.RINGBACK, ringback_options(directory), _ringback_value(ringback)),
        ),
        divider(),
        *next_action_blocks(draft["next_action"], directory, meta.pbx_group_id),
        divider(),
        input_block(
            Block.FORWARD,
            FORWARD_LABEL,
            toggle(
                Action.FORWARD_TOGGLE,
                FORWARD_ALLOWED[0].upper() + FORWARD_ALLOWED[1:],
                bool(draft.get("allow_call_forward")),
            ),
            optional=True,
        ),
        divider(),
        *prepend_blocks(draft["caller_id_prepend"]),
    ]
    title = clip(f"Features · {meta.name}" if meta.name else "Features", 24)
    return modal(Callback.FEATURES, title, blocks, meta)


def to_groupbot(state: st.StateValues) -> bool:
    """The "Send recordings to groupbot" box is ticked (recording on)."""
    return Block.RECORDING_TO_GROUPBOT in state and st.checked(
        state, Block.RECORDING_TO_GROUPBOT, Action.RECORDING_TO_GROUPBOT
    )


def read_features(state: st.StateValues, saved: Features | Draft | None = None) -> dict[str, Any]:
    """The features in the modal, over ``saved`` for what the modal does not show: the
    ``features`` of ``parse_group`` data, and the draft for a rebuild."""
    draft = draft_of(saved)
    recording = dict(draft["call_recording"])
    recording["enabled"] = st.checked(state, Block.RECORDING, Action.RECORDING_TOGGLE)
    if Block.RECORDING_FORMAT in state:
        recording["format"] = st.selected(state, Block.RECORDING_FORMAT, Action.RECORDING_FORMAT)
        recording["time_limit"] = st.number(state, Block.RECORDING_LIMIT, Action.RECORDING_LIMIT)
        recording["url"] = st.text(state, Block.RECORDING_URL, Action.RECORDING_URL)
    draft["call_recording"] = {k: v for k, v in recording.items() if v is not None or k == "url"}

    chosen = st.selected(state, Block.RINGBACK, Action.RINGBACK)
    if chosen is not None:
        if chosen.startswith(MEDIA_PREFIX):
            draft["ringback"] = {"kind": "media", "media_id": chosen[len(MEDIA_PREFIX) :]}
        else:
            draft["ringback"] = {"kind": chosen, "media_id": None}

    kind = st.selected(state, Block.NEXT_KIND, Action.NEXT_KIND)
    if kind is not None:
        target_block = suffixed(Block.NEXT_TARGET, kind)
        target = st.selected(state, target_block, Action.NEXT_TARGET)
        draft["next_action"] = {"kind": kind, "target_id": target}

    draft["allow_call_forward"] = st.checked(state, Block.FORWARD, Action.FORWARD_TOGGLE)

    prepend = dict(draft["caller_id_prepend"])
    prepend["enabled"] = st.checked(state, Block.PREPEND, Action.PREPEND_TOGGLE)
    if Block.PREPEND_NAME in state or Block.PREPEND_NUMBER in state:
        # as typed, like `/group prepend`: a prefix's trailing space sets it off the name
        prepend["name_prefix"] = st.text_as_typed(state, Block.PREPEND_NAME, Action.PREPEND_NAME)
        prepend["number_prefix"] = st.text_as_typed(
            state, Block.PREPEND_NUMBER, Action.PREPEND_NUMBER
        )
    draft["caller_id_prepend"] = prepend
    return draft
