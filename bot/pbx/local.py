"""The local PBX backend (``PBX_BACKEND=file``): documents as files in a folder.

``<root>/<collection>/<id>.json`` holds exactly the document, as canonical JSON, written
to a temporary file and renamed into place so a reader never sees half of it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from bot.engine.documents import JsonDoc, canonical_json
from bot.pbx import PbxRejected, PbxUnreachable

SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class LocalPbx:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, collection: str, doc_id: str) -> Path:
        for part in (collection, doc_id):
            if not SAFE_NAME.match(part):
                raise PbxRejected(f"{part!r} is not a safe document or collection name")
        return self.root / collection / f"{doc_id}.json"

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        target = self.path(collection, doc_id)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{doc_id}.", suffix=".tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(canonical_json(document))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise PbxUnreachable(f"cannot write {target}: {error.strerror or error}") from error

    def delete(self, collection: str, doc_id: str) -> None:
        target = self.path(collection, doc_id)
        try:
            target.unlink(missing_ok=True)
        except OSError as error:
            raise PbxUnreachable(f"cannot remove {target}: {error.strerror or error}") from error
