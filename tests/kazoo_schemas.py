"""Validate documents as Kazoo's crossbar does, with its own schemas from ../shared.

Plain jsonschema misses two of crossbar's checks (kazoo/schemas/SOURCE.md): each flow
node's ``data`` against ``callflows.<module>`` (a module with no schema is refused), and
``record_call``'s ``url`` being http or https. Both are added here. Validation is strict:
the strings SmartPBX sends ("20") fail, as they would without crossbar's coercion.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.shared_files import require_shared


@cache
def _registry(folder: Path) -> Registry[Any]:
    resources = [
        (path.stem, Resource.from_contents(json.loads(path.read_text()), DRAFT4))
        for path in sorted(folder.glob("*.json"))
    ]
    return Registry().with_resources(resources)


@cache
def validator_for(name: str) -> Draft4Validator | None:
    folder = require_shared("kazoo", "schemas")
    registry = _registry(folder)
    if name not in registry:
        return None
    return Draft4Validator(registry[name].contents, registry=registry)


def _errors(name: str, doc: object, where: str) -> list[str]:
    validator = validator_for(name)
    if validator is None:
        return [f"{where}: Kazoo has no schema {name!r}, so crossbar refuses it"]
    return [
        f"{where}{''.join(f'.{p}' for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(doc)
    ]


def flow_nodes(node: Mapping[str, Any], path: str = "flow") -> Iterator[tuple[str, Any]]:
    """(path, node) for every node of a flow tree, depth first."""
    yield path, node
    for key, child in (node.get("children") or {}).items():
        yield from flow_nodes(child, f"{path}.children.{key}")


def flow_errors(flow: Mapping[str, Any]) -> list[str]:
    """What crossbar's kazoo-validation adds: each node's data against its module."""
    errors = []
    for path, node in flow_nodes(flow):
        data = node.get("data", {})
        errors += _errors(f"callflows.{node.get('module')}", data, f"{path}.data")
        if node.get("module") == "record_call" and "url" in data:
            parts = urlsplit(str(data["url"]))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                errors.append(f"{path}.data.url: Kazoo takes http or https URLs with a host")
    return errors


def callflow_errors(doc: Mapping[str, Any]) -> list[str]:
    errors = _errors("callflows", doc, "callflow")
    if isinstance(doc.get("flow"), Mapping):
        errors += flow_errors(doc["flow"])
    return errors


def group_doc_errors(doc: Mapping[str, Any]) -> list[str]:
    return _errors("groups", without_private_keys(doc), "group")


def validate_callflow(doc: Mapping[str, Any]) -> None:
    errors = callflow_errors(doc)
    assert not errors, "\n".join(errors)


def validate_group_doc(doc: Mapping[str, Any]) -> None:
    errors = group_doc_errors(doc)
    assert not errors, "\n".join(errors)


def without_private_keys(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document as crossbar would be sent it: stored ``_id``/``_rev``/``pvt_*`` dropped."""
    return {k: v for k, v in doc.items() if not k.startswith(("_", "pvt_"))}
