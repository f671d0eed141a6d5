"""Benchmark: the portal under load, on loopback only, bounded in time and in count.

50 applicants save drafts (PUT /api/applications/{id}/data, each save checked by the
rulebook), each opening a section's page of the form (GET) before every tenth save, while 20
others download their packet PDF, made by 2 warm LibreOffice workers behind a queue of 4:
requests past it get 503 with Retry-After, counted apart, and are tried again after the wait.
Prints, from one run: requests per second, p50/p95/p99 latency and errors of saves, page loads
and packet PDFs, the 503s, the portal's peak memory (its process and the LibreOffice workers
under it), the ratio of a packet's latency to a draft save's, and the machine's load average
before and after, since another user of the cores changes every figure.

The best plain way to compare with is the same run without PDFs (``--downloaders 0``): what
PDF work costs the people typing is the difference. LibreOffice runs below the portal's CPU
priority (`formgen.pdf.convert.BACKGROUND_NICENESS`).

By default each applicant saves again the moment the last save returns: that measures what
the server can serve, and with 50 applicants always waiting the latency is 50 over the rate
served (Little's law), whatever the server does. ``--rate R`` offers R saves a second in all,
each applicant at a steady pace as a page saves while a person types, and charges a save held
up behind a slow one from when it was due: the latency a person sees at that load.

Without ``--rate`` each downloader makes 2 packets, so the run (40 saves each) ends about
when they do. With it the run lasts its ``--seconds``, and each downloader downloads again
and again until then (``--packets N`` bounds it): 2 packets each were done within the first
6 seconds of the minute, and the saves after them met no PDF work. The saves made while a
packet request was out are also shown apart ("save, PDFs out", their rate over the seconds
with one out).

Before the clock, one applicant opens every section's page and two packets are made, one on
each LibreOffice worker: the figures are a portal's that has served for a minute, not its first
seconds, when templates compile and code and LibreOffice's filters load (``--cold`` keeps them).

Each applicant opens a page at its own point of its work, as people who began at different
moments do; ``--lockstep`` has all 50 open the same section's page at the same moment, every
tenth save: a crowd arriving at once, the harder case (and the bench's way until it had the
flag).

Packets are made in worker processes below the portal's CPU priority
(`formgen.workflows.portal.pdf_pool`); ``--in-process-pdf`` makes them in the portal's own
process, the old way, and ``--compare`` runs the old way and then the new one and prints the
ratios of their saves' rate and latency: the host's speed drifts, so compare within one run.

``--paper-checks N`` has N more applicants upload the scan of their submitted packet (its pages
as pictures) again each time its paper check is written, so checks (OCR) run all through the
mix; it runs the mix twice, the paper checks verified in the portal's own process (the old way,
FORMGEN_PAPER_IN_PROCESS=1) and then in their worker process below its priority, and prints the
ratios of the saves' rate and latency.

SQLite is tuned for many writers (`formgen.workflows.portal.db.make_engine`: writers take turns
in order instead of polling its lock, no queue for a pooled connection);
``--untuned-sqlite`` runs it as before, and ``--compare-sqlite`` runs both, packets in worker
processes either way, to see what the tuning alone changes. ``--compare``'s old way is the
portal before both changes: packets in its own process and SQLite untuned. Draft saves
waiting at once are committed together (`formgen.workflows.portal.group_commit`);
``--compare-commits`` runs each save in its own commit first (FORMGEN_SQLITE_COMMIT_EACH=1),
then together.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_portal.py [--seconds S] [--downloaders N]
[--rate R] [--cold] [--lockstep] [--untuned-sqlite] [--processes N] [--database URL]
[--in-process-pdf | --compare | --compare-sqlite | --compare-commits | --compare-processes]
[--paper-checks N]``).

``--processes N`` serves the mix from N app processes (uvicorn's ``--workers``, as
``formgen serve --processes N``), the 2 LibreOffice workers shared among them, on the one
SQLite file (their writers take turns across the processes, `sqlite_writes`) or, with
``--database URL``, on PostgreSQL in a schema of the bench's own dropped afterwards;
``--compare-processes`` runs one process and then N.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx2
import sqlalchemy
from PIL import Image

import formgen
from formgen.pdf import page_images
from formgen.workflows.portal import forms
from formgen.workflows.portal.accounts import add_account
from formgen.workflows.portal.db import database_url

HOST = "127.0.0.1"  # loopback only
PACKET = "sichuan-2023-110.provider"
PASSWORD = "bench-password"
SECTIONS = len(forms.sections(formgen.api.registry().packet(PACKET).model))
SAVES_PER_PAGE = 10
"""A person opens a section's page, then types into it: a page load before every tenth save."""
KEEP_IDLE = httpx2.Limits(keepalive_expiry=2.0)
"""A client's idle connections close after 2 s, before the server's (uvicorn closes them
after 5 s): a client keeping one as long as the server races the server's close, and a
request sent on it as it closes fails with ReadError (met once, an applicant's first save
after the warm-up's packets)."""
PDF_WORKERS = 2
"""LibreOffice workers in all, shared among the app processes (FORMGEN_PDF_WORKERS each)."""
PDFS_OUT = "save, PDFs out"
"""The draft saves made while a packet request was out, counted again apart: those PDF work
can slow (without --rate the downloaders are done before the applicants, and the saves after
them meet none)."""


@dataclass
class Packets:
    """How many packet requests are out at this moment (the bench's clients share one event
    loop, so a plain count holds). While any is out the LibreOffice workers are busy and the
    portal is streaming PDFs: the saves made then are the ones PDF work can slow."""

    out: int = 0
    seconds: float = 0.0
    """Seconds of the mix with at least one packet request out."""
    since: float = 0.0

    def sent(self) -> None:
        if self.out == 0:
            self.since = time.monotonic()
        self.out += 1

    def answered(self) -> None:
        self.out -= 1
        if self.out == 0:
            self.seconds += time.monotonic() - self.since


@dataclass
class Kind:
    """The outcomes of one kind of request."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    busy: int = 0
    seconds: float | None = None
    """The seconds its rate is over, when not the whole mix's."""
    part: bool = False
    """Its requests are a part of another kind's, counted there in the totals."""

    def line(self, elapsed: float) -> str:
        elapsed = self.seconds or elapsed
        if not self.latencies:
            return f"{self.name:<14} no request done; errors {self.errors}, 503 {self.busy}"
        ms = sorted(x * 1000 for x in self.latencies)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
        return (
            f"{self.name:<14} {len(ms):>6} ok  {len(ms) / elapsed:>7.1f} req/s  "
            f"p50 {q[49]:>8.1f} ms  p95 {q[94]:>8.1f} ms  p99 {q[98]:>8.1f} ms  "
            f"errors {self.errors}  503 {self.busy}"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def server_command(port: int, processes: int = 1) -> list[str]:
    """The command that serves the portal (as its environment says) on loopback at `port`,
    from `processes` app processes (uvicorn's ``--workers``)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "formgen.workflows.portal.app:app_from_environment",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        *(["--workers", str(processes)] if processes > 1 else []),
    ]


def wait_until_serving(base: str, seconds: float = 60) -> None:
    """Wait until the portal at `base` answers its sign-in page, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx2.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) the processes `pids` themselves have used, from /proc."""
    total = 0
    for pid in pids:
        after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(after_name[11]) + int(after_name[12])
    return total / os.sysconf("SC_CLK_TCK")


def _app_processes(server: int, processes: int) -> list[int]:
    """The processes that serve requests: the server itself, or with several the ones its
    supervisor started (not the PDF workers below them)."""
    if processes == 1:
        return [server]
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and "spawn_main" in (entry / "cmdline").read_text():
                status = (entry / "status").read_text()
                if f"\nPPid:\t{server}\n" in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@contextlib.contextmanager
def _schema(url: str | None) -> Iterator[str | None]:
    """A PostgreSQL schema of the bench's own in the database `url`, dropped afterwards: the
    URL that puts the portal's tables there. Nothing else in the database is touched."""
    if url is None:
        yield None
        return
    name = f"formgen_bench_{os.getpid()}_{time.monotonic_ns()}"
    engine = sqlalchemy.create_engine(database_url(url, Path()))
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"CREATE SCHEMA {name}"))
    try:
        yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def _tree_rss(pid: int) -> int:
    """Resident memory of `pid` and every process below it, in bytes (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parent = int(fields.get("PPid", "0").strip())
        children.setdefault(parent, []).append(int(entry.name))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


async def _login(client: httpx2.AsyncClient, name: str) -> None:
    response = await client.post("/api/login", json={"name": name, "password": PASSWORD})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf"]


async def _new_application(client: httpx2.AsyncClient, data: dict[str, Any]) -> tuple[int, int]:
    made = (await client.post("/api/applications", json={"packet_id": PACKET})).json()
    saved = await client.put(
        f"/api/applications/{made['id']}/data", json={"data": data, "version": made["version"]}
    )
    saved.raise_for_status()
    return int(made["id"]), int(saved.json()["version"])


@dataclass
class User:
    """One simulated person: a signed-in client and an application filled with the example."""

    client: httpx2.AsyncClient
    data: dict[str, Any]
    application: int = 0
    version: int = 0


SIGNING_IN = 8
"""Sign-ins at once: all from one address, and more than `security.CLIENT_LIMIT` under way at
once count as that address failing (the attempts are counted before the passwords are checked)."""


async def _ready(base: str, name: str, data: dict[str, Any], signing_in: asyncio.Semaphore) -> User:
    """Sign in (argon2 verification, paid before the clock starts) and start an application."""
    user = User(httpx2.AsyncClient(base_url=base, timeout=300, limits=KEEP_IDLE), data)
    async with signing_in:
        await _login(user.client, name)
    user.application, user.version = await _new_application(user.client, data)
    return user


async def _page_load(user: User, section: int, kind: Kind) -> None:
    """Open one section's page of the form, as a person does before typing into it."""
    start = time.monotonic()
    response = await user.client.get(f"/applications/{user.application}/sections/{section}")
    if response.status_code == 200 and "<form" in response.text:
        kind.latencies.append(time.monotonic() - start)
    else:
        kind.errors += 1


async def _applicant(
    user: User,
    until: float,
    saves: int,
    kinds: dict[str, Kind],
    gap: float | None,
    packets: Packets,
    *,
    lockstep: bool = False,
) -> None:
    """Save the draft `saves` times, opening the next section's page before every
    `SAVES_PER_PAGE`th save.

    With `gap` (seconds), saves are due at a steady pace from a random first moment, as a
    person's page saves while they type: a save's latency counts from when it was due, so a
    save held up behind a slow one is charged its wait (no coordinated omission). Without it,
    each save follows the last at once: the server's capacity, where by Little's law the
    latency is the number of applicants over the rate served.

    Each applicant starts at its own point of its work (`phase`: which save opens a page, and
    which section), as people who began at different times are; with ``lockstep`` all open
    the same section together, every `SAVES_PER_PAGE` saves: a crowd arriving at once.

    A save during which a packet request was out (at its start or its end) is counted again
    under `PDFS_OUT`: the saves PDF work can slow, apart from those made once the
    downloaders are done."""
    due = time.monotonic() + (random.uniform(0, gap) if gap else 0.0)
    phase = 0 if lockstep else random.randrange(SAVES_PER_PAGE * SECTIONS)
    for n in range(saves):
        if gap:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        if time.monotonic() > until:
            return
        if (n + phase) % SAVES_PER_PAGE == 0:
            await _page_load(user, ((n + phase) // SAVES_PER_PAGE) % SECTIONS, kinds["page load"])
        kind = kinds["draft save"]
        user.data["report"]["self_assessment"] = (
            f"第{n}次保存。" + user.data["report"]["self_assessment"][:150]
        )
        start = min(due, time.monotonic()) if gap else time.monotonic()
        due += gap or 0.0
        pdfs_out = packets.out > 0
        response = await user.client.put(
            f"/api/applications/{user.application}/data", json={"data": user.data, "version": user.version}
        )
        if response.status_code == 200:
            kind.latencies.append(time.monotonic() - start)
            if pdfs_out or packets.out > 0:
                kinds[PDFS_OUT].latencies.append(kind.latencies[-1])
            user.version = response.json()["version"]
        else:
            kind.errors += 1


async def _downloader(user: User, until: float, packets: int, kind: Kind, out: Packets) -> None:
    done = 0
    while done < packets and time.monotonic() < until:
        start = time.monotonic()
        out.sent()
        try:
            response = await user.client.get(f"/applications/{user.application}/packet.pdf")
        finally:
            out.answered()
        if response.status_code == 503:
            kind.busy += 1
            await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), 5))
            continue
        if response.status_code == 200 and response.content.startswith(b"%PDF"):
            kind.latencies.append(time.monotonic() - start)
        else:
            kind.errors += 1
        done += 1


async def _scan(user: User) -> bytes:
    """Submit the user's application and return its packet's pages as a scan: page pictures at
    150 dpi in one PDF, as a scanner makes (no stamp: the OCR's work is the same)."""
    (await user.client.post(f"/api/applications/{user.application}/submit")).raise_for_status()
    while (
        packet := await user.client.get(f"/applications/{user.application}/packet.pdf")
    ).status_code == 503:
        await asyncio.sleep(float(packet.headers.get("retry-after", "1")))
    packet.raise_for_status()
    with tempfile.TemporaryDirectory(prefix="formgen-bench-scan-") as folder:
        pdf = Path(folder) / "packet.pdf"
        pdf.write_bytes(packet.content)
        pictures = [Image.open(io.BytesIO(png)) for png in page_images.png_pages(pdf, dpi=150)]
    out = io.BytesIO()
    pictures[0].save(out, "PDF", resolution=150, save_all=True, append_images=pictures[1:])
    return out.getvalue()


async def _paper_checker(user: User, scan: bytes, until: float, kind: Kind) -> None:
    """Upload the scan, wait until its check is written (the paper page no longer pending),
    and upload it again, until the end: a paper check always under way or queued. A check's
    latency is from its upload to its outcome on the page (its packet made, then verified)."""
    while time.monotonic() < until:
        start = time.monotonic()
        sent = await user.client.post(
            f"/applications/{user.application}/paper",
            files={"file": ("盖章件.pdf", scan)},
            follow_redirects=True,
        )
        if sent.status_code != 200:
            kind.errors += 1
            continue
        while 'data-state="pending"' in (page := sent.text):
            if time.monotonic() > until:
                return  # the check under way at the end is not waited for, nor counted
            await asyncio.sleep(0.5)
            sent = await user.client.get(f"/applications/{user.application}/paper")
        if 'data-state="done"' in page:
            kind.latencies.append(time.monotonic() - start)
        else:
            kind.errors += 1


async def _warm(applicant: User, downloaders: list[User]) -> None:
    """Before the clock: open every section's page once, and make a packet on each of the two
    LibreOffice workers, as a portal that has served for a minute has done. The first of each
    kind compiles its templates, imports its code and loads LibreOffice's filters and fonts,
    once per process: seconds of one-time work that would otherwise land on the first
    requests measured (``--cold`` measures them)."""
    for section in range(SECTIONS):
        (
            await applicant.client.get(f"/applications/{applicant.application}/sections/{section}")
        ).raise_for_status()

    async def packet(user: User) -> None:
        while (
            made := await user.client.get(f"/applications/{user.application}/packet.pdf")
        ).status_code == 503:
            await asyncio.sleep(float(made.headers.get("retry-after", "1")))
        made.raise_for_status()

    await asyncio.gather(*(packet(u) for u in downloaders))


async def _run(
    base: str, args: argparse.Namespace, kinds: dict[str, Kind], cpu: Callable[[], float]
) -> tuple[float, float, float]:
    """Sign everyone in and warm up, then run the mix; its seconds, the CPU seconds the
    portal's processes used during it (the sign-ins' password hashing, about 0.17 s each, and
    the warm-up are before), and those the bench's own clients used."""
    example = json.loads(json.dumps(formgen.example_data(PACKET), default=str))
    example.pop("attachments", None)
    signing_in = asyncio.Semaphore(SIGNING_IN)
    applicants = await asyncio.gather(
        *(
            _ready(base, f"applicant{n}", json.loads(json.dumps(example)), signing_in)
            for n in range(args.applicants)
        )
    )
    downloaders = await asyncio.gather(
        *(
            _ready(base, f"downloader{n}", json.loads(json.dumps(example)), signing_in)
            for n in range(args.downloaders)
        )
    )
    checkers = await asyncio.gather(
        *(
            _ready(base, f"checker{n}", json.loads(json.dumps(example)), signing_in)
            for n in range(args.paper_checks)
        )
    )
    scans = [await _scan(user) for user in checkers]
    if not args.cold and applicants:
        await _warm(applicants[0], downloaders[:2])
    start, cpu_before, own_before = time.monotonic(), cpu(), time.process_time()
    until = start + args.seconds
    gap = args.applicants / args.rate if args.rate else None
    saves = max(args.saves, math.ceil(args.seconds / gap) + 1) if gap else args.saves
    out = Packets()
    tasks = [_applicant(u, until, saves, kinds, gap, out, lockstep=args.lockstep) for u in applicants]
    packets = args.packets if args.packets is not None else sys.maxsize if args.rate else 2
    tasks += [_downloader(u, until, packets, kinds["packet PDF"], out) for u in downloaders]
    tasks += [
        _paper_checker(u, scan, until, kinds["paper check"]) for u, scan in zip(checkers, scans, strict=True)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.seconds + 300)
        kinds[PDFS_OUT].seconds = out.seconds
    finally:
        for user in [*applicants, *downloaders, *checkers]:
            await user.client.aclose()
    return time.monotonic() - start, cpu() - cpu_before, time.process_time() - own_before


def _loads(averages: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in averages)


@dataclass
class Measured:
    """One run's outcomes."""

    way: str
    elapsed: float
    kinds: dict[str, Kind]
    loads: tuple[tuple[float, float, float], tuple[float, float, float]]
    peak: int
    cpu: float = 0.0
    """CPU seconds the portal's own processes used (their threads, not the worker processes)."""
    processes: int = 1
    clients: float = 0.0
    """CPU seconds the bench's own clients used: cores the portal did not have."""


@dataclass(frozen=True)
class Way:
    """How the portal is run: its name in the report and its environment."""

    name: str
    in_process: bool = False
    untuned_sqlite: bool = False
    commit_each: bool = False
    """Each draft save its own commit (FORMGEN_SQLITE_COMMIT_EACH=1), not committed together."""
    paper_in_process: bool = False
    processes: int = 1
    """App processes (uvicorn's --workers), sharing the 2 LibreOffice workers between them."""
    database: str | None = None
    """A PostgreSQL database (the portal's tables go in a schema of the bench's own); SQLite in
    the data folder when None."""


OLD = Way("packets in the portal's process, SQLite untuned (old)", in_process=True, untuned_sqlite=True)
NEW = Way("packets in worker processes, SQLite tuned (new)")
UNTUNED = Way("packets in worker processes, SQLite untuned", untuned_sqlite=True)
COMMIT_EACH = Way("packets in worker processes, SQLite tuned, each save its own commit", commit_each=True)


def _measure(args: argparse.Namespace, way: Way) -> Measured:
    """Serve a fresh portal in its own process and run the mix against it once."""
    with tempfile.TemporaryDirectory(prefix="formgen-bench-portal-") as folder, _schema(way.database) as url:
        data = Path(folder)
        names = (
            [f"applicant{n}" for n in range(args.applicants)]
            + [f"downloader{n}" for n in range(args.downloaders)]
            + [f"checker{n}" for n in range(args.paper_checks)]
        )
        for name in names:
            add_account(data, url, name, PASSWORD, "applicant", "成都市")
        port = free_port()
        env = {
            **os.environ,
            "FORMGEN_DATA": str(data),
            "FORMGEN_INSECURE_COOKIES": "1",
            "FORMGEN_PDF_IN_PROCESS": "1" if way.in_process else "0",
            "FORMGEN_SQLITE_UNTUNED": "1" if way.untuned_sqlite else "0",
            "FORMGEN_SQLITE_COMMIT_EACH": "1" if way.commit_each else "0",
            "FORMGEN_PAPER_IN_PROCESS": "1" if way.paper_in_process else "0",
            "FORMGEN_PDF_WORKERS": str(max(1, PDF_WORKERS // way.processes)),
            **({"FORMGEN_DATABASE_URL": url} if url else {}),
        }
        server = subprocess.Popen(server_command(port, way.processes), env=env)
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(server.pid))
                stop.wait(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        try:
            base = f"http://{HOST}:{port}"
            wait_until_serving(base)
            sampler.start()
            kinds = {
                kind.name: kind
                for kind in (
                    Kind("draft save"),
                    Kind(PDFS_OUT, part=True),
                    Kind("page load"),
                    Kind("packet PDF"),
                    Kind("paper check"),
                )
            }
            load_before = os.getloadavg()
            serving = _app_processes(server.pid, way.processes)
            elapsed, cpu, clients = asyncio.run(_run(base, args, kinds, lambda: cpu_seconds(serving)))
            load_after = os.getloadavg()
        finally:
            stop.set()
            server.terminate()
            server.wait(timeout=60)
    name = way.name
    if args.paper_checks:
        checks = "the portal's process (old)" if way.paper_in_process else "a worker process (new)"
        name += f", {args.paper_checks} paper checks verified in {checks}"
    return Measured(name, elapsed, kinds, (load_before, load_after), peak, cpu, way.processes, clients)


def _report(args: argparse.Namespace, run: Measured) -> int:
    """Print one run; return its errors."""
    pace = f"{args.rate:g} saves/s offered" if args.rate else "each saving again at once"
    print(
        f"formgen portal on {HOST}, {run.way}: {args.applicants} applicants saving "
        f"drafts ({pace}), {args.downloaders} downloading packets, 2 LibreOffice workers, queue 4; "
        f"{run.elapsed:.1f} s"
    )
    print(
        f"  machine        {os.cpu_count()} cores; load average (1, 5, 15 min) before "
        f"{_loads(run.loads[0])}, after {_loads(run.loads[1])}"
    )
    for kind in run.kinds.values():
        if kind.name != "paper check" or args.paper_checks:
            print("  " + kind.line(run.elapsed))
    whole = [k for k in run.kinds.values() if not k.part]
    total = sum(len(k.latencies) for k in whole)
    errors = sum(k.errors for k in whole)
    print(
        f"  all            {total:>6} ok  {total / run.elapsed:>7.1f} req/s  errors {errors}  "
        f"503 (deliberate) {sum(k.busy for k in whole)}"
    )
    print(f"  peak memory    {run.peak / 1024 / 1024:.0f} MB (portal process and the PDF processes under it)")
    print(
        f"  portal CPU     {run.cpu:.1f} s used by the portal's own process{'es' if run.processes > 1 else ''} during the mix, "
        f"{1000 * run.cpu / max(1, total + sum(k.errors + k.busy for k in whole)):.1f} ms a request"
    )
    print(f"  bench CPU      {run.clients:.1f} s used by the bench's own clients (on the same cores)")
    drafts, pdfs = run.kinds["draft save"].latencies, run.kinds["packet PDF"].latencies
    if drafts and pdfs:
        print(
            f"  ratio          a packet PDF takes {statistics.median(pdfs) / statistics.median(drafts):.0f}x "
            "a draft save (medians)"
        )
    return errors


def _saves(run: Measured) -> tuple[float, float, float]:
    """Saves a second, and the p50 and p95 of a save in ms."""
    ms = sorted(x * 1000 for x in run.kinds["draft save"].latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return len(ms) / run.elapsed, q[49], q[94]


def _stop(signum: int, _frame: object) -> None:
    """Stop on SIGTERM as on Ctrl-C: unwinding, so the portal it started is stopped and its
    PostgreSQL schema dropped (Python's default for SIGTERM ends at once, leaving both)."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--downloaders", type=int, default=20)
    parser.add_argument("--saves", type=int, default=40, help="draft saves per applicant, at most")
    parser.add_argument(
        "--packets",
        type=int,
        help="packet PDFs per downloader, at most (default: 2, or until --seconds with --rate)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="no new request after this")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="saves a second offered by all applicants together, each at a steady pace "
        "(0: each saves again as soon as the last save returns)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up: the first page loads and packets of a fresh portal are measured too",
    )
    parser.add_argument(
        "--lockstep",
        action="store_true",
        help="every applicant opens the same section's page at the same save, all together "
        "(a crowd arriving at once; by default each starts at its own point of its work)",
    )
    way = parser.add_mutually_exclusive_group()
    way.add_argument(
        "--in-process-pdf",
        action="store_true",
        help="make packets in the portal's own process, the old way (FORMGEN_PDF_IN_PROCESS=1)",
    )
    way.add_argument(
        "--compare",
        action="store_true",
        help="run the old way (packets in the portal's process, SQLite untuned) and then the new, "
        "and print the ratios",
    )
    way.add_argument(
        "--compare-sqlite",
        action="store_true",
        help="with packets in worker processes, run SQLite untuned (FORMGEN_SQLITE_UNTUNED=1: writers "
        "poll its lock, 15 pooled connections, synchronous=FULL) and then tuned, and print the ratios",
    )
    way.add_argument(
        "--compare-commits",
        action="store_true",
        help="run each draft save in its own commit (FORMGEN_SQLITE_COMMIT_EACH=1) and then the "
        "saves waiting at once committed together, and print the ratios",
    )
    parser.add_argument(
        "--untuned-sqlite",
        action="store_true",
        help="SQLite as it was before it was tuned (FORMGEN_SQLITE_UNTUNED=1)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="app processes (uvicorn --workers), sharing the 2 LibreOffice workers, on the one SQLite "
        "file or on --database",
    )
    parser.add_argument(
        "--database",
        help="a PostgreSQL database URL: the portal's tables go in a schema of the bench's own, "
        "dropped afterwards (default: SQLite in a temporary folder)",
    )
    way.add_argument(
        "--compare-processes",
        action="store_true",
        help="run one app process and then --processes (default 2), on SQLite or --database, and "
        "print the ratios",
    )
    parser.add_argument(
        "--paper-checks",
        type=int,
        default=0,
        help="keep N paper checks under way all through the mix; run it with them verified in the "
        "portal's process (old) and then in a worker process (new), and print the ratios",
    )
    args = parser.parse_args()
    if args.compare_processes and args.processes == 1:
        args.processes = 2

    store = "PostgreSQL" if args.database else "one SQLite file"
    if args.compare_processes:
        ways = [
            replace(
                NEW,
                name=f"{n} app process{'es' if n > 1 else ''} on {store}",
                processes=n,
                database=args.database,
            )
            for n in (1, args.processes)
        ]
    elif args.compare:
        ways = [OLD, NEW]
    elif args.compare_sqlite:
        ways = [UNTUNED, NEW]
    elif args.compare_commits:
        ways = [COMMIT_EACH, NEW]
    else:
        ways = [
            Way(
                f"packets {'in the portal' if args.in_process_pdf else 'in worker'} process"
                f"{'' if args.in_process_pdf else 'es'}, SQLite {'un' if args.untuned_sqlite else ''}tuned",
                in_process=args.in_process_pdf,
                untuned_sqlite=args.untuned_sqlite,
                processes=args.processes,
                database=args.database,
            )
        ]
        if args.database or args.processes > 1:
            ways[0] = replace(
                ways[0],
                name=f"{ways[0].name.split(', SQLite')[0]}, {args.processes} app process"
                f"{'es' if args.processes > 1 else ''} on {store}",
            )
    if args.paper_checks:
        ways = [replace(ways[-1], paper_in_process=old) for old in (True, False)]
    runs = [_measure(args, way) for way in ways]
    errors = sum(_report(args, run) for run in runs)
    if len(runs) == 2 and all(run.kinds["draft save"].latencies for run in runs):
        (old_rate, old_p50, old_p95), (new_rate, new_p50, new_p95) = (_saves(run) for run in runs)
        print(
            f"new/old          saves/s {new_rate / old_rate:.2f}  p50 {new_p50 / old_p50:.2f}  "
            f"p95 {new_p95 / old_p95:.2f}"
        )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
