"""The golden cases in tests/engine/cases: one JSON file per scenario.

Each holds ``about`` (what it shows), ``group`` (plain data, as a modal would give it),
``ids``, ``directory`` and the expected ``documents``. Adding a scenario means adding a
file and running ``pytest tests/engine --update-golden``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.compiler import compile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Group
from bot.engine.validation import parse_group

CASES = Path(__file__).resolve().parent / "cases"


@dataclass(frozen=True)
class Case:
    path: Path
    raw: dict[str, Any]

    @property
    def group(self) -> Group:
        return parse_group(self.raw["group"])

    @property
    def ids(self) -> PbxIds:
        return PbxIds.model_validate(self.raw["ids"])

    @property
    def directory(self) -> Directory:
        return Directory.model_validate(self.raw["directory"])

    def compile(self) -> GroupDocuments:
        return compile_group(self.group, self.ids, self.directory)

    def write_documents(self, documents: dict[str, Any]) -> None:
        self.path.write_text(
            json.dumps(self.raw | {"documents": documents}, indent=2, ensure_ascii=False) + "\n"
        )


def case_names() -> list[str]:
    return sorted(path.stem for path in CASES.glob("*.json"))


def load(name: str) -> Case:
    path = CASES / f"{name}.json"
    return Case(path, json.loads(path.read_text()))


def as_dict(documents: GroupDocuments) -> dict[str, Any]:
    return {
        "group": documents.group,
        "base_callflow": documents.base_callflow,
        "user_callflow": documents.user_callflow,
    }
