"""The three Kazoo documents SmartPBX keeps per group, the ids that tie them, and how
documents read back from the PBX are read (as crossbar reads them)."""

from __future__ import annotations

import json
import re
import secrets
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.engine.errors import UserError

JsonDoc = dict[str, Any]

NOT_AVAILABLE_MEDIA = "system_media/vm-not_available_no_voicemail"
SILENCE_RINGBACK = "silence_stream://300000"
BASE_NUMBER_LENGTH = 25  # monster.util.randomString(25)
_INTEGER = re.compile(r"^-?[0-9]+\Z")


class PbxIds(BaseModel):
    """Document ids of one group on the PBX, chosen once when the group is created."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    base_callflow_id: str
    user_callflow_id: str
    # A callflow must have a number; SmartPBX gives the base one nobody dials.
    base_number: str

    @classmethod
    def new(cls) -> PbxIds:
        alphabet = string.ascii_letters + string.digits
        return cls(
            group_id=uuid.uuid4().hex,
            base_callflow_id=uuid.uuid4().hex,
            user_callflow_id=uuid.uuid4().hex,
            base_number="".join(secrets.choice(alphabet) for _ in range(BASE_NUMBER_LENGTH)),
        )


@dataclass(frozen=True, slots=True)
class GroupDocuments:
    """The group document and its two callflows, as the crossbar API's ``data`` objects."""

    group: JsonDoc
    base_callflow: JsonDoc
    user_callflow: JsonDoc

    def by_collection(self, ids: PbxIds) -> list[tuple[str, str, JsonDoc]]:
        """(collection, id, document) in the order SmartPBX creates them."""
        return [
            ("groups", ids.group_id, self.group),
            ("callflows", ids.base_callflow_id, self.base_callflow),
            ("callflows", ids.user_callflow_id, self.user_callflow),
        ]


def canonical_json(document: JsonDoc) -> str:
    """Stable bytes for a document: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class DecompileError(UserError, ValueError):
    """The documents are not a SmartPBX group groupbot can keep; the message says why.

    A ``UserError`` so every surface shows the message as is; a ``ValueError`` because it
    is bad input to a pure function.
    """


class DocReader:
    """A JSON object and where it sits, so every refusal names the document and the path."""

    __slots__ = ("doc", "document", "path")

    def __init__(self, document: str, doc: object, path: str = "") -> None:
        self.document, self.path = document, path
        if not isinstance(doc, Mapping):
            raise self.error(f"is {doc!r}, not a JSON object")
        self.doc: Mapping[str, Any] = doc

    def where(self, key: str | int = "") -> str:
        path = ".".join(p for p in (self.path, str(key)) if p)
        return f"the {self.document}'s {path}" if path else f"the {self.document}"

    def error(self, problem: str, key: str | int = "") -> DecompileError:
        return DecompileError(f"{self.where(key)} {problem}")

    def item(self, key: str | int, value: object) -> DocReader:
        """A reader for ``value``, found at ``key`` under this one (a list item)."""
        return DocReader(self.document, value, self._join(key))

    def object(self, key: str, *, required: bool = True) -> DocReader:
        if key not in self.doc and not required:
            return DocReader(self.document, {}, self._join(key))
        if key not in self.doc:
            raise self.error("is missing", key)
        return DocReader(self.document, self.doc[key], self._join(key))

    def node(self, key: str) -> DocReader:
        """A callflow node: an object with a ``module`` (``data`` may be left out)."""
        node = self.object(key)
        node.text("module")
        return node

    def module(self) -> str:
        return str(self.doc["module"])

    def children(self) -> dict[str, DocReader]:
        children = self.object("children", required=False)
        return {str(k): children.node(str(k)) for k in children.doc}

    def text(self, key: str, default: str | None = None) -> str:
        value = self.doc.get(key, default)
        if not isinstance(value, str):
            raise self.error("is missing" if value is None else f"is {value!r}, not text", key)
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.doc.get(key, default)
        # bool is an int to Python but not to Kazoo's schema, and fix_js_types leaves it be
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.match(value):
            return int(value)  # "20" → 20, as crossbar's non-strict validation does
        raise self.error(f"is {value!r}, not a whole number", key)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.doc.get(key, default)
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):  # fix_js_types again
            return bool(value == "true")
        raise self.error(f"is {value!r}, not true or false", key)

    def array(self, key: str) -> list[Any]:
        value = self.doc.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"is {value!r}, not a list", key)
        return value

    def expect_type(self, kind: str) -> None:
        found = self.doc.get("type")
        if found == kind:
            return
        if found is None and "group_id" in self.doc:
            raise self.error(
                f"has a group_id but no type: a ring group from before SmartPBX 3.19; "
                f"Kazoo's crossbar_maintenance migrate_ring_group_callflow turns it into "
                f"the {kind} form"
            )
        raise self.error(f"has type {found!r}, not {kind!r}: it is not a SmartPBX ring group")

    def _join(self, key: str | int) -> str:
        return f"{self.path}.{key}" if self.path else str(key)


def doc_id(doc: Mapping[str, Any]) -> str | None:
    value = doc.get("id", doc.get("_id"))
    return value if isinstance(value, str) else None
