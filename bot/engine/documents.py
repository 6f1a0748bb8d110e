"""The three Kazoo documents SmartPBX keeps per group, and the ids that tie them."""

from __future__ import annotations

import json
import secrets
import string
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

JsonDoc = dict[str, Any]

NOT_AVAILABLE_MEDIA = "system_media/vm-not_available_no_voicemail"
SILENCE_RINGBACK = "silence_stream://300000"
BASE_NUMBER_LENGTH = 25  # monster.util.randomString(25)


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
