"""A batch split over many machines: shard K of N takes a fixed share of the submitters.

A submitter's shard is a stable hash of its 统一社会信用代码 (the packet's ``code_path``), so
re-runs and retries of a shard take the same submitters, whatever the order of the input;
a submitter whose code cannot be read is placed by its source name. ``auto/N`` reads K from
the scheduler: ``JOB_COMPLETION_INDEX`` (a Kubernetes Indexed Job) or ``SLURM_ARRAY_TASK_ID``
(a Slurm job array), both counted from 0.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from formgen.data.paths import value_at
from formgen.workflows.batch.inputs import Submission

SCHEDULER_VARIABLES = ("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID")
_SPEC = re.compile(r"^\s*(auto|\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A --shard value that cannot be used."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (from 0) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def takes(self, submission: Submission, code_path: str | None) -> bool:
        """Whether this shard makes `submission`."""
        return place(submission, code_path, self.count) == self.index


def parse(spec: str, environ: Mapping[str, str] | None = None) -> Shard:
    """Read ``K/N`` or ``auto/N`` (K from the scheduler's variable)."""
    found = _SPEC.match(spec)
    if found is None:
        raise ShardError(f"--shard {spec}: 应为K/N或auto/N / expected K/N or auto/N")
    count = int(found.group(2))
    if count < 1:
        raise ShardError(f"--shard {spec}: N至少为1 / N must be at least 1")
    if found.group(1) != "auto":
        index = int(found.group(1))
    else:
        env = os.environ if environ is None else environ
        named = next((name for name in SCHEDULER_VARIABLES if env.get(name, "").strip()), None)
        if named is None:
            raise ShardError(
                f"--shard auto/{count}: 未设置{' 或 '.join(SCHEDULER_VARIABLES)} / "
                f"neither {' nor '.join(SCHEDULER_VARIABLES)} is set"
            )
        value = env[named].strip()
        if not value.isdigit():
            raise ShardError(f"{named}={value}: 应为整数 / not a whole number")
        index = int(value)
    if index >= count:
        raise ShardError(f"--shard {index}/{count}: K应小于N / K must be below N (counted from 0)")
    return Shard(index, count)


def place(submission: Submission, code_path: str | None, count: int) -> int:
    """The shard of `submission` among `count`: by its code when it has one, else its source."""
    code: Any = value_at(submission.data, code_path) if code_path else None
    key = str(code).strip().upper() if isinstance(code, str | int) and str(code).strip() else ""
    key = f"code:{key}" if key else f"source:{submission.source}"
    return int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:8], "big") % count
