"""Block Kit JSON Schema validation, when the schema file and jsonschema are at hand.

The schema lives in the shared reference folder, never in the package, so this module
looks for it (``$GROUPBOT_SHARED/slack`` or ``../shared/slack`` beside the repository)
and quietly does nothing when it is absent: the hand-written limit checks in
``checks.py`` still run. jsonschema is a test dependency, so it is imported lazily too.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

SCHEMA_FILE = "block-kit.schema.json"
_REPO = Path(__file__).resolve().parent.parent


class _SchemaError(Protocol):
    """The parts of ``jsonschema.ValidationError`` we read (jsonschema ships no types)."""

    validator: str
    validator_value: Any
    message: str
    instance: Any
    schema: Any
    absolute_path: Sequence[str | int]
    relative_schema_path: Sequence[str | int]
    context: list[_SchemaError]


Validate = Callable[[Any], Iterable[_SchemaError]]


def schema_path() -> Path | None:
    """Where block-kit.schema.json is, or None when no shared folder holds it."""
    candidates = []
    configured = os.environ.get("GROUPBOT_SHARED")
    if configured:
        candidates.append(Path(configured) / "slack" / SCHEMA_FILE)
    candidates.append(_REPO.parent / "shared" / "slack" / SCHEMA_FILE)
    return next((path for path in candidates if path.is_file()), None)


@functools.cache
def _validators(path: Path) -> dict[str, Validate] | None:
    try:
        jsonschema = importlib.import_module("jsonschema")
        referencing = importlib.import_module("referencing")
    except ImportError:
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    base = schema["$id"]
    registry = referencing.Registry().with_resource(
        base, referencing.Resource.from_contents(schema)
    )

    def validator(ref: str) -> Validate:
        checker = jsonschema.Draft202012Validator({"$ref": base + ref}, registry=registry)
        iter_errors: Validate = checker.iter_errors
        return iter_errors

    return {
        "modal": validator("#/$defs/modal_view"),
        "home": validator("#/$defs/home_view"),
        "blocks": validator(""),
    }


def schema_errors(surface: str, instance: Any, prefix: str) -> list[tuple[str, str]]:
    """(json-pointer, reason) pairs for ``instance`` against the schema of ``surface``.

    ``surface`` is ``modal``, ``home`` or ``blocks`` (a message's block list); pointers
    start with ``prefix`` (``/view`` or ``/blocks``) as in Slack's error messages.
    """
    path = schema_path()
    validators = _validators(path) if path else None
    if validators is None:
        return []
    found: list[tuple[str, str]] = []
    for error in validators[surface](instance):
        for leaf in _narrow(error):
            pointer = prefix + _pointer(leaf.absolute_path)
            if leaf.validator == "required":
                # Point at the missing field itself, as our own checks do.
                found += [
                    (f"{pointer}/{name}", f"missing required field: {name}")
                    for name in _missing(leaf)
                ]
            else:
                found.append((pointer, _reason(leaf)))
    return found


def _missing(error: _SchemaError) -> list[str]:
    present = error.instance if isinstance(error.instance, dict) else {}
    return [name for name in error.validator_value if name not in present]


def _narrow(error: _SchemaError) -> list[_SchemaError]:
    """Descend into oneOf/anyOf failures along the branch the payload's ``type`` picks.

    The schema is a union of every block and element keyed by a ``type`` const; the
    bare union error ("not valid under any of the given schemas") says nothing useful,
    while the errors of the branch whose ``type`` matched point at the real problem.
    """
    if error.validator not in ("oneOf", "anyOf"):
        return [error]
    matching = _matching_branches(error)
    if len(matching) != 1:
        return [error]
    return [leaf for sub in matching[0] for leaf in _narrow(sub)]


def _matching_branches(error: _SchemaError) -> list[list[_SchemaError]]:
    """The failed branches of a union whose ``type`` const did not fail."""
    depth = len(error.absolute_path)
    branches: dict[str | int, list[_SchemaError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    return [
        subs for subs in branches.values() if not any(_is_type_mismatch(s, depth) for s in subs)
    ]


def _is_type_mismatch(error: _SchemaError, depth: int) -> bool:
    path = list(error.absolute_path)
    return error.validator == "const" and len(path) == depth + 1 and path[-1] == "type"


def _pointer(path: Iterable[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _reason(error: _SchemaError) -> str:
    """Slack-like wording of one schema failure."""
    value = error.validator_value
    match error.validator:
        case "maxLength":
            return f"must be less than {value + 1} characters"
        case "minLength":
            return f"must be more than {value - 1} characters"
        case "maxItems":
            return f"no more than {value} items allowed"
        case "minItems":
            return f"must provide at least {value} items"
        case "required":
            return "missing required field: " + ", ".join(_missing(error))
        case "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            extra = (
                sorted(set(error.instance) - allowed) if isinstance(error.instance, dict) else []
            )
            return "invalid additional property: " + ", ".join(extra or ["?"])
        case "const":
            return f"must be {json.dumps(value)}"
        case "enum":
            return "must be one of " + ", ".join(json.dumps(v) for v in value)
        case "type":
            return f"must provide {'an' if str(value)[0] in 'aeiou' else 'a'} {value}"
        case "oneOf" | "anyOf":
            return _union_reason(error)
        case _:
            return error.message


def _union_reason(error: _SchemaError) -> str:
    if not error.context:
        return "must match exactly one allowed shape"
    matching = _matching_branches(error)
    if not matching and isinstance(error.instance, dict) and "type" in error.instance:
        return f"unsupported type here: {error.instance['type']}"
    if matching and all(len(subs) == 1 and subs[0].validator == "required" for subs in matching):
        names = [name for subs in matching for name in subs[0].validator_value]
        return "must provide one of: " + ", ".join(names)
    return "does not match any allowed shape"
