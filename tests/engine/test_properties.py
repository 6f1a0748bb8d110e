"""Properties over many generated groups: what the model accepts compiles to documents
Kazoo accepts and reads back as the same group; what it rejects names a real field."""

from __future__ import annotations

import types
import typing
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import PbxIds
from bot.engine.model import Group
from bot.engine.validation import GroupRejected, parse_group
from tests.kazoo_schemas import callflow_errors, group_doc_errors

HEX = "0123456789abcdef"
kazoo_ids = st.text(HEX, min_size=32, max_size=32)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**4), 10**4) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=5,
)


def digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=low, max_size=high)


# -------------------------------------------------------------- mostly valid groups


@st.composite
def windows(draw: st.DrawFn) -> dict[str, int]:
    start = draw(st.integers(0, 998))
    return {"start": start, "end": draw(st.integers(start + 1, 999))}


members = st.lists(
    st.builds(lambda u, w: {"user_id": u, **w}, kazoo_ids | st.text(min_size=1), windows()),
    min_size=1,
    max_size=15,
    unique_by=lambda m: m["user_id"],
)
urls = st.sampled_from(
    [None, "", "https://rec.example.com/in", "http://10.0.0.1:8080/r?x=1", "HTTPS://A.B/c"]
)
recording = st.fixed_dictionaries(
    {
        "enabled": st.booleans(),
        "format": st.sampled_from(["mp3", "wav"]),
        "time_limit": st.integers(5, 10800),
        "url": urls,
    }
)
ringback = st.one_of(
    st.just({"kind": "default"}),
    st.just({"kind": "silence"}),
    st.builds(lambda m: {"kind": "media", "media_id": m}, st.text(min_size=1, max_size=40)),
)
next_action = st.one_of(
    st.just({"kind": "none"}),
    st.builds(lambda t: {"kind": "voicemail", "target_id": t}, kazoo_ids),
    st.builds(
        lambda k, t: {"kind": k, "target_id": t},
        st.sampled_from(["user", "device", "menu", "group"]),
        kazoo_ids,
    ),
)
prepend = st.fixed_dictionaries(
    {
        "enabled": st.booleans(),
        "name_prefix": st.text(max_size=64),
        "number_prefix": st.text(max_size=32),
    }
)
dids = st.builds(lambda d: "+" + d, digits(8, 15))
legacy = st.builds(lambda plus, d: plus + d, st.sampled_from(["", "+"]), digits(7, 35))
groups = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=130),
        "extension": digits(3, 3),
        "extra_extensions": st.lists(digits(3, 6), max_size=4, unique=True),
        "numbers": st.lists(dids | legacy, max_size=4, unique=True),
        "members": members,
        "repeats": st.integers(1, 20),
        "strategy": st.sampled_from(["simultaneous", "single"]),
        "features": st.fixed_dictionaries(
            {
                "call_recording": recording,
                "ringback": ringback,
                "next_action": next_action,
                "allow_call_forward": st.booleans(),
                "caller_id_prepend": prepend,
            }
        ),
    }
)
pbx_ids = st.builds(
    lambda three, number: PbxIds(
        group_id=three[0], base_callflow_id=three[1], user_callflow_id=three[2], base_number=number
    ),
    st.lists(kazoo_ids, min_size=3, max_size=3, unique=True),  # Kazoo's ids are unique
    st.text("abcXYZ0189", min_size=25, max_size=25),
)


def directory_for(group: Group, ids: PbxIds) -> Directory:
    """An account holding whatever the group's next action points at, under its own ids."""
    action = group.features.next_action
    target = str(action.target_id)
    callflow = "zz" + target[2:]  # the target's callflow: not hex, so unlike every other id
    facts: dict[str, Any] = {
        "user": {"users": {target: UserFact(name="U", main_callflow_id=callflow)}},
        "menu": {"menus": {target: MenuFact(name="M", callflow_id=callflow)}},
        "group": {"groups": {target: GroupFact(name="G", user_callflow_id=callflow)}},
    }
    if action.kind.value == "group" and target == ids.group_id:
        return Directory()  # a loop to itself: the compiler needs no directory entry
    return Directory(**facts.get(action.kind.value, {}))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=groups, ids=pbx_ids)
def test_every_accepted_group_compiles_to_valid_documents_and_reads_back(
    data: dict[str, Any], ids: PbxIds
) -> None:
    try:
        group = parse_group(data)
    except GroupRejected:
        return  # the strategies stray on purpose (names of spaces, duplicate numbers)
    directory = directory_for(group, ids)
    documents = compile_group(group, ids, directory)
    assert group_doc_errors(documents.group) == []
    assert callflow_errors(documents.base_callflow) == []
    assert callflow_errors(documents.user_callflow) == []
    assert decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        directory,
        user_callflow_id=ids.user_callflow_id,
    ) == (group, ids)


# -------------------------------------------------------------- anything at all


def some(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid kind of value, sometimes any JSON value at all."""
    return st.one_of(valid, valid, json_values)


seconds = st.integers(-5, 1005)
anything_member = some(
    st.fixed_dictionaries(
        {},
        optional={"user_id": some(kazoo_ids), "start": some(seconds), "end": some(seconds)},
    )
)
anything = st.fixed_dictionaries(
    {},
    optional={
        "name": some(st.text(max_size=130)),
        "extension": some(digits(0, 5)),
        "extra_extensions": some(st.lists(some(digits(0, 8)), max_size=3)),
        "numbers": some(st.lists(some(dids | legacy | digits(0, 9)), max_size=3)),
        "members": some(st.lists(anything_member, max_size=17)),
        "repeats": some(st.integers(-2, 22)),
        "strategy": some(st.sampled_from(["simultaneous", "single", "weighted_random"])),
        "features": some(
            st.fixed_dictionaries(
                {},
                optional={
                    "call_recording": some(
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "enabled": some(st.booleans()),
                                "format": some(st.sampled_from(["mp3", "wav", "ogg"])),
                                "time_limit": some(st.integers(0, 11000)),
                                "url": some(urls | st.just("ftp://x.example/")),
                            },
                        )
                    ),
                    "ringback": some(ringback),
                    "next_action": some(next_action),
                    "allow_call_forward": some(st.booleans()),
                    "caller_id_prepend": some(prepend),
                },
            )
        ),
    },
)


def is_field_path(path: str) -> bool:
    """Whether ``path`` (``members.2.end``) walks real fields of ``Group``."""
    if not path:
        return False
    kind: Any = Group
    for part in path.split("."):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if part not in kind.model_fields:
                return False
            kind = kind.model_fields[part].annotation
        elif typing.get_origin(kind) is tuple and part.isdigit():
            kind = typing.get_args(kind)[0]
        else:
            return False
        while typing.get_origin(kind) in (typing.Union, types.UnionType, typing.Annotated):
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
    return True


@settings(max_examples=500)
@given(data=anything)
def test_every_rejection_names_a_real_field(data: dict[str, Any]) -> None:
    errors = rejection(data)
    for field, message in (errors or {}).items():
        assert is_field_path(field), (field, message)
        assert message
    assert errors != {}


def rejection(data: dict[str, Any]) -> dict[str, str] | None:
    try:
        parse_group(data)
    except GroupRejected as rejected:
        return rejected.errors
    return None


def test_the_field_path_check_itself() -> None:
    assert is_field_path("members.3.end")
    assert is_field_path("features.call_recording.url")
    assert not is_field_path("")
    assert not is_field_path("members.x")
    assert not is_field_path("features.nope")
