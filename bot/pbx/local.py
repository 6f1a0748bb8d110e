"""The local PBX backend (``PBX_BACKEND=file``): documents as files in a folder.

``<root>/<collection>/<id>.json`` holds exactly the document, as canonical JSON, written
to a temporary file (``.<id>.<8 random characters>.tmp``) and renamed into place so a
reader never sees half of it. A process killed between the two leaves its temporary file
behind: ``remove_leftovers`` removes those, when the adapter is built and from the
``pbx-outbox`` job.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from bot.engine.documents import JsonDoc, PbxIds, canonical_json
from bot.pbx import PbxRejected, PbxUnreachable
from bot.pbx.documents import PbxRingGroup, ReadGroup, ring_groups_of

log = logging.getLogger("groupbot.pbx")

SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# what ``put`` names its temporary files (``tempfile``'s 8 random characters), and nothing else
TEMPORARY = re.compile(r"^\.[A-Za-z0-9_-]{1,64}\.[a-z0-9_]{8}\.tmp\Z")
# The web and clock processes share the folder: at start, a temporary file only seconds
# old may be the other one's write in progress.
LEFTOVER_AT_START = 5.0  # seconds


class LocalPbx:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.remove_leftovers(LEFTOVER_AT_START)

    def remove_leftovers(self, older_than: float) -> int:
        """Remove the temporary files of writes that never finished, last modified more
        than ``older_than`` seconds ago (a younger one may be a write in progress); how
        many. Best effort: what cannot be removed is left for the next time."""
        cutoff = time.time() - older_than
        removed = 0
        try:
            folders = [f for f in self.root.iterdir() if SAFE_NAME.match(f.name) and f.is_dir()]
            for folder in folders:
                for path in folder.iterdir():
                    if TEMPORARY.match(path.name) and _stale_file(path, cutoff):
                        path.unlink(missing_ok=True)
                        log.info("removed %s, left by a write that never finished", path)
                        removed += 1
        except FileNotFoundError:
            pass  # no documents yet
        except OSError as error:
            log.warning("could not remove leftover temporary files in %s: %s", self.root, error)
        return removed

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

    # -- reading back (``bot.pbx.documents.DocumentReader``): someone may edit a file --

    def read(self, collection: str, doc_id: str) -> JsonDoc | None:
        """The document in its file, or None when there is no file; ``PbxRejected`` when
        the file is not a JSON object (edited by hand), naming it."""
        target = self.path(collection, doc_id)
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise PbxUnreachable(f"cannot read {target}: {error.strerror or error}") from error
        try:
            document = json.loads(text)
        except ValueError as error:
            raise PbxRejected(f"{target} is not valid JSON ({error})") from error
        if not isinstance(document, dict):
            raise PbxRejected(f"{target} does not hold a JSON object")
        return document

    def read_group(self, ids: PbxIds) -> ReadGroup:
        return ReadGroup(
            self.read("groups", ids.group_id),
            self.read("callflows", ids.base_callflow_id),
            self.read("callflows", ids.user_callflow_id),
        )

    def ring_groups(self) -> list[PbxRingGroup]:
        """Every group file and callflow file, sorted into ring groups; a file that is not
        a JSON object is left out (``read_group`` names it for a group of ours)."""
        return ring_groups_of(self._all("groups"), self._all("callflows"))

    def _all(self, collection: str) -> list[JsonDoc]:
        folder = self.root / collection
        found: list[JsonDoc] = []
        try:
            paths = sorted(folder.glob("*.json"))
        except OSError:
            return found
        for path in paths:
            if not SAFE_NAME.match(path.stem):
                continue
            try:
                document = self.read(collection, path.stem)
            except (PbxRejected, PbxUnreachable) as error:
                log.warning("left out of the ring groups: %s", error)
                continue
            if document is not None:
                found.append({**document, "id": path.stem})
        return found


def _stale_file(path: Path, cutoff: float) -> bool:
    try:
        status = path.lstat()  # a link is not one of ours: never follow it
    except FileNotFoundError:  # renamed into place or removed meanwhile
        return False
    return stat.S_ISREG(status.st_mode) and status.st_mtime < cutoff
