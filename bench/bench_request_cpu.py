"""Benchmark: the portal's CPU a request, this tree against another revision, side by side.

On a shared 2-core machine a request's CPU drifts by a third from one minute to the next (the
host's other work), so two runs one after the other compare nothing. Here both portals run at
once, each in its own process (uvicorn, SQLite, no PDF work), and one client sends them small
batches in turns: 60 draft saves (``PUT /api/applications/{id}/data``, the example provider's
data, a text changed each time) with a section's page opened before every tenth, as the bench
of the mix does. Each batch's CPU is what the server's process used meanwhile (from /proc), so
every pair of batches met the same machine. Printed: each side's median and least CPU a
request over the batches, and the median and quartiles of the ratio this/other.

The other revision is checked out in a temporary git worktree (removed afterwards) and served
from there by this virtual environment (``PYTHONPATH``). By default one applicant sends its
requests one at a time: the figure is the work a request costs. ``--clients N`` has N
applicants save at once (each one save at a time), so the figure holds what many threads at
once add (switching between them, waiting for the interpreter); the latency a crowd sees is
`bench_portal.py`'s to measure.

Run: ``.venv/bin/python bench/bench_request_cpu.py [--against REV] [--rounds N] [--batch N]
[--clients N]``
(default: against ``HEAD``, the tree's uncommitted change).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from bench_portal import (
    HOST,
    KEEP_IDLE,
    PACKET,
    PASSWORD,
    SAVES_PER_PAGE,
    SECTIONS,
    cpu_seconds,
    free_port,
    server_command,
    wait_until_serving,
)

import formgen
from formgen.workflows.portal.accounts import add_account

HERE = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def _worktree(revision: str) -> Iterator[Path]:
    """`revision` checked out in a temporary worktree, with this tree's built extension."""
    folder = Path(tempfile.mkdtemp(prefix="formgen-bench-rev-"))
    tree = folder / "tree"
    subprocess.run(
        ["git", "-C", str(HERE), "worktree", "add", "--detach", "--quiet", str(tree), revision], check=True
    )
    try:
        for built in (HERE / "formgen").rglob("*.so"):
            shutil.copy2(built, tree / built.relative_to(HERE))
        yield tree
    finally:
        subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Applicant:
    """One signed-in client and its draft."""

    client: httpx2.Client
    application: int
    version: int
    data: dict[str, Any]
    saves: int = 0

    def save(self) -> int:
        """One draft save, after a section's page every `SAVES_PER_PAGE`th; the requests sent."""
        requests = 0
        if self.saves % SAVES_PER_PAGE == 0:
            section = (self.saves // SAVES_PER_PAGE) % SECTIONS
            page = self.client.get(f"/applications/{self.application}/sections/{section}")
            assert page.status_code == 200, page.text[:300]
            requests += 1
        report = self.data["report"]
        report["self_assessment"] = f"第{self.saves}次保存。" + report["self_assessment"][:150]
        saved = self.client.put(
            f"/api/applications/{self.application}/data", json={"data": self.data, "version": self.version}
        )
        assert saved.status_code == 200, saved.text[:300]
        self.version = saved.json()["version"]
        self.saves += 1
        return requests + 1


@dataclass
class Side:
    """One portal: its process and its applicants."""

    name: str
    server: subprocess.Popen[bytes]
    applicants: list[Applicant]
    costs: list[float] = field(default_factory=list)

    def batch(self, saves: int) -> float:
        """`saves` saves (and their page loads), each applicant saving one at a time, all of
        them at once; the server's CPU a request, in ms."""
        before = cpu_seconds([self.server.pid])
        share = [saves // len(self.applicants)] * len(self.applicants)

        def run(applicant: Applicant, count: int) -> int:
            return sum(applicant.save() for _ in range(count))

        with ThreadPoolExecutor(len(self.applicants)) as pool:
            requests = sum(pool.map(run, self.applicants, share))
        return (cpu_seconds([self.server.pid]) - before) / requests * 1000


def _serve(name: str, tree: Path, data_dir: Path, example: dict[str, Any], clients: int) -> Side:
    """A portal served from `tree`, with `clients` applicants signed in, each with a draft
    holding the example."""
    for n in range(clients):
        add_account(data_dir, None, f"applicant{n}", PASSWORD, "applicant", "成都市")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "FORMGEN_DATA": str(data_dir),
        "FORMGEN_INSECURE_COOKIES": "1",
        "FORMGEN_PDF_WORKERS": "1",
    }
    server = subprocess.Popen(server_command(port), env=env, cwd=tree)
    base = f"http://{HOST}:{port}"
    wait_until_serving(base, seconds=120)
    applicants = []
    for n in range(clients):
        client = httpx2.Client(base_url=base, timeout=60, limits=KEEP_IDLE)
        signed_in = client.post("/api/login", json={"name": f"applicant{n}", "password": PASSWORD})
        signed_in.raise_for_status()
        client.headers["X-CSRF-Token"] = signed_in.json()["csrf"]
        made = client.post("/api/applications", json={"packet_id": PACKET}).json()
        applicants.append(Applicant(client, made["id"], made["version"], json.loads(json.dumps(example))))
    return Side(name, server, applicants)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", default="HEAD", help="the other revision (default: HEAD)")
    parser.add_argument("--rounds", type=int, default=20, help="pairs of batches")
    parser.add_argument("--batch", type=int, default=60, help="draft saves a batch")
    parser.add_argument(
        "--clients", type=int, default=1, help="applicants saving at once (each one save at a time)"
    )
    args = parser.parse_args()
    example = json.loads(json.dumps(formgen.example_data(PACKET), default=str))
    example.pop("attachments", None)
    with _worktree(args.against) as other, tempfile.TemporaryDirectory(prefix="formgen-bench-cpu-") as folder:
        sides = [
            _serve(f"other ({args.against})", other, Path(folder) / "other", example, args.clients),
            _serve("this tree", HERE, Path(folder) / "this", example, args.clients),
        ]
        try:
            for side in sides:
                side.batch(args.batch)  # warm: templates compiled, statements cached
            ratios = []
            for n in range(args.rounds):
                # In turns, each side first every other round: neither always meets the
                # machine just after the other's batch.
                for side in sides if n % 2 == 0 else sides[::-1]:
                    side.costs.append(side.batch(args.batch))
                ratios.append(sides[1].costs[-1] / sides[0].costs[-1])
        finally:
            for side in sides:
                for applicant in side.applicants:
                    applicant.client.close()
                side.server.terminate()
                side.server.wait(timeout=60)
    print(
        f"formgen portal, CPU a request: {args.rounds} pairs of batches of {args.batch} draft saves "
        f"(and a page before every {SAVES_PER_PAGE}th), {args.clients} applicant(s) at once, SQLite; "
        f"{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for side in sides:
        print(
            f"  {side.name:<24} median {statistics.median(side.costs):5.2f} ms   "
            f"least {min(side.costs):5.2f} ms a request"
        )
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"  this / other             median {statistics.median(ratios):.3f}   "
        f"quartiles {quartiles[0]:.3f} {quartiles[2]:.3f}"
    )


if __name__ == "__main__":
    main()
