"""What a batch has already made, so that running it again skips finished submitters.

A submitter is finished when its state file records the key of its inputs — its data, its
attachment files, the packet's templates and formgen's version — and its packet is still
there with the recorded hash. Packets are written whole or not at all (a temporary name,
then a rename), so a batch stopped by Ctrl-C or killed leaves finished packets and
temporary files, which the next run removes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from formgen import api
from formgen.document.package import write_atomic

STATE_DIR = ".formgen-batch"


def formgen_version() -> str:
    """The installed formgen's version."""
    try:
        return version("formgen")
    except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
        return "unknown"


def fingerprint(packet_id: str, *, strict: bool) -> str:
    """What every packet of the batch depends on beside its own data: formgen's version, the
    packet's templates and the options."""
    hashed = hashlib.sha256(f"{packet_id}|{formgen_version()}|strict={strict}".encode())
    for form_id in api.registry().packet(packet_id).form_ids:
        hashed.update(hashlib.sha256(api.form(form_id).template.read_bytes()).digest())
    return hashed.hexdigest()


def key(fingerprint: str, data: Any, packet_id: str, instance: BaseModel, base_dir: Path | None) -> str:
    """The key of one submitter's inputs: the batch's fingerprint, its data, its attachments."""
    hashed = hashlib.sha256(fingerprint.encode())
    hashed.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    attachments_of = api.registry().packet(packet_id).attachments_of
    for attachment in attachments_of(instance) if attachments_of else ():
        path = Path(attachment.file).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        hashed.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return hashed.hexdigest()


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Store:
    """The state files of a batch's output folder, one per source."""

    out_dir: Path

    @property
    def folder(self) -> Path:
        return self.out_dir / STATE_DIR / "done"

    def _path(self, source: str) -> Path:
        return self.folder / f"{hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()}.json"

    def finished(self, source: str, key: str) -> str | None:
        """The output of `source` when it was made from the same inputs and is intact, else None."""
        path = self._path(source)
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            output = self.out_dir / state["output"]
            if state["key"] == key and output.is_file() and file_hash(output) == state["sha256"]:
                return str(state["output"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return None

    def record(self, source: str, key: str, output: str) -> None:
        """Remember that `source` was made into `output` from inputs of `key`."""
        state = {"source": source, "key": key, "output": output, "sha256": file_hash(self.out_dir / output)}
        write_atomic(self._path(source), json.dumps(state, ensure_ascii=False).encode("utf-8"))

    def remove_partial(self) -> int:
        """Remove the temporary files a stopped run left; return how many."""
        removed = 0
        if not self.out_dir.is_dir():
            return 0
        for part in self.out_dir.rglob(".*.part"):
            part.unlink(missing_ok=True)
            removed += 1
        return removed
