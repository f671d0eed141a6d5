"""Many submitters at once: one packet per submitter, one report for all, resumable, sharded.

Every submitter is validated and built on its own: one that is invalid, or whose packet
cannot be made, is recorded with its problems, and the batch goes on. Packets go to
``<out>/<submitter>/<packet-id>.pdf``; the report (``batch-report.jsonl``/``.csv``, written
as the batch goes, and ``batch-report.json`` at its end) lists every submitter with its
status; the bureaus' summary tables go to ``<out>/tables/``. Running the batch again skips
what is already made. `merge` joins the outputs of a batch's shards.

- `inputs`: reading the submitters; `shards`: who takes which; `resume`: what is done;
- `work`: one packet, in a worker process; `run`: the batch; `report`, `tables`, `merge`.
"""

from formgen.workflows.batch.inputs import Submission, submissions, unflatten
from formgen.workflows.batch.merge import MergeError, merge
from formgen.workflows.batch.report import REPORT, Outcome, Status
from formgen.workflows.batch.run import default_workers, run
from formgen.workflows.batch.shards import Shard, ShardError
from formgen.workflows.batch.shards import parse as parse_shard

__all__ = [
    "REPORT",
    "MergeError",
    "Outcome",
    "Shard",
    "ShardError",
    "Status",
    "Submission",
    "default_workers",
    "merge",
    "parse_shard",
    "run",
    "submissions",
    "unflatten",
]
