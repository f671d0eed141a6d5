"""Benchmark: `formgen batch` against the floor and the naive way, from one run.

For one packet and N submitters (each the packet's example under its own name and 统一社会信用代码):

- batch: the ``formgen batch`` command, start-up included, with its default workers; and the
  peak memory of its whole process tree (formgen, its worker processes and their
  LibreOffices, summed), sampled every `PROBE_EVERY_S`;
- floor: the project's API rendering the same documents, then two plain
  ``soffice --convert-to pdf`` processes, each with its own profile and formgen's font
  configuration (the same faces, so the same PDFs), converting half of the files each, then
  a pypdf merge of each packet's PDFs and attachments — each part timed;
- naive: over a sample of submitters, each document converted by its own cold
  ``soffice --convert-to pdf``, then merged.

Run: ``make bench`` (200 submitters of both packets, three rounds), or
``.venv/bin/python bench/bench_batch.py --packet sichuan-2023-110.enterprise --n 40 [--rounds 3]``;
with ``--rounds R`` the batch and the floor are measured in turn R times and the medians
printed, with each round's ratio (a shared machine's speed drifts by a fifth from one minute
to the next).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import yaml
from pypdf import PdfReader, PdfWriter

import formgen
from formgen import api
from formgen.model.checks import uscc_check_character
from formgen.pdf import convert

PACKETS = ("sichuan-2023-110.enterprise", "sichuan-2023-110.provider")
CODE_FIELDS = {
    "sichuan-2023-110.enterprise": (("application",), "unit_name", "credit_code"),
    "sichuan-2023-110.provider": (("report", "profile"), "unit_name", "credit_code"),
}


def write_inputs(packet_id: str, folder: Path, count: int) -> Path:
    """Write into `folder` `count` submitters of `packet_id`: its example (and its attachment
    files), renamed; return `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    api.write_example(packet_id, folder)
    (folder / f"{packet_id}.yaml").unlink()
    example = formgen.example_data(packet_id)
    where, name_field, code_field = CODE_FIELDS[packet_id]
    for n in range(count):
        data = copy.deepcopy(example)
        target: dict[str, Any] = data
        for key in where:
            target = target[key]
        body = f"91510600M{n:05d}K3X"
        target[name_field] = f"第{n + 1}号测试单位"
        target[code_field] = body + uscc_check_character(body)
        (folder / f"{n:05d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _own_memory(proc: psutil.Process) -> int:
    """A process's proportional set size: its resident memory with each page shared with other
    processes (forked workers share the parent's) counted in part, so that a sum over a tree
    counts each page once; its resident size where the system does not say."""
    try:
        return int(proc.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):
        return int(proc.memory_info().rss)


PROBE_EVERY_S = 0.5
"""How often the memory probe samples. Each sample reads every process's smaps, kernel work
charged to the probe: every 0.1 s it took a tenth of a core from the batch it measured (2.0 s
of CPU in an 18.7 s batch of 100), every 0.5 s a fiftieth."""


class TreeMemory:
    """The peak of the summed memory (PSS) of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += _own_memory(proc)
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(PROBE_EVERY_S)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_batch(packet_id: str, source: Path, out: Path, workers: int | None = None) -> tuple[float, int, int]:
    """Seconds, packets made and peak tree memory of one ``formgen batch`` run."""
    command = [
        str(Path(sys.executable).with_name("formgen")),
        "batch",
        packet_id,
        str(source),
        "--out",
        str(out),
        *(["--workers", str(workers)] if workers else []),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(proc.pid)
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"formgen batch failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    made = len(list(out.glob(f"*/{packet_id}.pdf")))
    return seconds, made, peak


def render_documents(packet_id: str, source: Path, folder: Path) -> list[tuple[list[Path], list[Path]]]:
    """Each submitter's documents rendered by the API into `folder`, and its attachment files."""
    packet = api.registry().packet(packet_id)
    made = []
    for n, path in enumerate(sorted(source.glob("*.yaml"))):
        checked = api.check(packet_id, yaml.safe_load(path.read_text(encoding="utf-8")))
        assert checked.instance is not None, checked.problems
        documents = []
        for part in packet.parts:
            kind = api.form(part.form_id).kind
            for m, document in enumerate(
                api.packet_documents(packet_id, checked.instance, only=part.form_id)
            ):
                target = folder / f"{n:05d}-{part.form_id.split('.')[-1]}-{m}.{kind}"
                target.write_bytes(api.render_filled(part.form_id, document))
                documents.append(target)
        attachments = [
            source / a.file
            for a in (packet.attachments_of(checked.instance) if packet.attachments_of else ())
        ]
        made.append((documents, attachments))
    return made


def soffice(files: list[Path], out: Path, profile: Path, fonts_conf: Path) -> subprocess.Popen[bytes]:
    """One plain ``soffice --convert-to pdf`` process with its own profile, over `files`, with
    formgen's font configuration: the plain ways print in the same faces (FandolFang for
    仿宋_GB2312, …), so that they make the same PDFs the batch makes, not lighter ones in the
    system's default faces."""
    return subprocess.Popen(
        [
            convert.find_soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, FONTCONFIG_FILE=str(fonts_conf)),
    )


def merge(pdfs: list[Path], attachments: list[Path], target: Path) -> None:
    """One packet's PDFs and attachments in one file (scans through the same image step)."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(pdf))
    for attachment in attachments:
        if attachment.suffix.lower() == ".pdf":
            writer.append(PdfReader(attachment))
        else:
            from formgen.pdf.packet_pdf import Part, read_part

            writer.append(read_part(Part("scan", attachment)))
    with target.open("wb") as handle:
        writer.write(handle)


def floor(packet_id: str, source: Path, work: Path, fonts_conf: Path) -> dict[str, float]:
    """The floor's parts, in seconds for the whole batch."""
    docs, pdfs, packets = work / "docs", work / "pdf", work / "packets"
    for folder in (docs, pdfs, packets):
        folder.mkdir()
    parts: dict[str, float] = {}
    start = time.perf_counter()
    made = render_documents(packet_id, source, docs)
    parts["render"] = time.perf_counter() - start
    files = [document for documents, _ in made for document in documents]
    start = time.perf_counter()
    halves = [files[0::2], files[1::2]]
    procs = [soffice(half, pdfs, work / f"profile{n}", fonts_conf) for n, half in enumerate(halves) if half]
    for proc in procs:
        proc.wait()
    parts["convert"] = time.perf_counter() - start
    start = time.perf_counter()
    for n, (documents, attachments) in enumerate(made):
        merge([pdfs / f"{d.stem}.pdf" for d in documents], attachments, packets / f"{n:05d}.pdf")
    parts["merge"] = time.perf_counter() - start
    return parts


def naive(packet_id: str, source: Path, work: Path, sample: int, fonts_conf: Path) -> float:
    """Seconds for `sample` packets, each document through its own cold soffice."""
    docs, pdfs = work / "docs", work / "pdf"
    docs.mkdir()
    pdfs.mkdir()
    picked = work / "in"
    picked.mkdir()
    for path in sorted(source.glob("*.yaml"))[:sample]:
        shutil.copy(path, picked / path.name)
    for path in source.iterdir():
        if path.is_dir():
            shutil.copytree(path, picked / path.name)
    start = time.perf_counter()
    made = render_documents(packet_id, picked, docs)
    for n, (documents, attachments) in enumerate(made):
        for document in documents:
            soffice([document], pdfs, work / "profile", fonts_conf).wait()
        merge([pdfs / f"{d.stem}.pdf" for d in documents], attachments, work / f"{n:05d}.pdf")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packet", choices=PACKETS, default=PACKETS[0])
    parser.add_argument("--n", type=int, default=40, help="submitters in the batch")
    parser.add_argument("--naive-sample", type=int, default=5, help="submitters made the naive way")
    parser.add_argument("--batch-only", action="store_true", help="the batch and its memory, no floor")
    parser.add_argument("--workers", type=int, default=None, help="the batch's --workers (default: its own)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="batch and floor measured in turn this many times (medians)"
    )
    args = parser.parse_args()
    rounds: list[tuple[float, int, int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp, convert.fonts_conf() as fonts_conf:
        work = Path(tmp)
        source = write_inputs(args.packet, work / "in", args.n)
        for round_ in range(max(1, args.rounds)):
            # Batch and floor in turn, so that a machine whose speed drifts (a shared host)
            # slows both alike; each round's ratio is taken within the round.
            seconds, made, peak = run_batch(args.packet, source, work / f"out{round_}", args.workers)
            shutil.rmtree(work / f"out{round_}")
            if args.batch_only:
                rounds.append((seconds, made, peak, {}))
                continue
            (work / f"floor{round_}").mkdir()
            rounds.append(
                (seconds, made, peak, floor(args.packet, source, work / f"floor{round_}", fonts_conf))
            )
            shutil.rmtree(work / f"floor{round_}")
        naive_s = 0.0
        sample = min(args.naive_sample, args.n)
        if not args.batch_only:
            (work / "naive").mkdir()
            naive_s = naive(args.packet, source, work / "naive", sample, fonts_conf) / sample
    n = args.n
    seconds = statistics.median(r[0] for r in rounds)
    made = min(r[1] for r in rounds)
    peak = max(r[2] for r in rounds)
    batch_s = seconds / n
    print(f"{args.packet}  n={n}  ({made}/{n} packets made{', every round' if len(rounds) > 1 else ''})")
    print(f"  batch  {batch_s:.3f} s/packet  (wall {seconds:.1f} s, start-up included)")
    if not args.batch_only:
        floors = [sum(r[3].values()) / n for r in rounds]
        floor_s = statistics.median(floors)
        middle = min(rounds, key=lambda r: abs(sum(r[3].values()) / n - floor_s))[3]
        print(
            f"  floor  {floor_s:.3f} s/packet  = render {middle['render'] / n:.3f}"
            f" + convert {middle['convert'] / n:.3f} + merge {middle['merge'] / n:.3f}"
        )
        print(f"  naive  {naive_s:.3f} s/packet  (sample of {sample})")
        if len(rounds) > 1:
            each = "  ".join(
                f"{r[0] / n:.3f}/{f:.3f}={r[0] / n / f:.2f}" for r, f in zip(rounds, floors, strict=True)
            )
            print(f"  rounds (batch/floor, s/packet): {each}")
            ratio = statistics.median(r[0] / n / f for r, f in zip(rounds, floors, strict=True))
            print(f"  batch/floor {ratio:.2f} (median of the rounds)   naive/batch {naive_s / batch_s:.1f}")
        else:
            print(f"  batch/floor {batch_s / floor_s:.2f}   naive/batch {naive_s / batch_s:.1f}")
    print(f"  peak memory of the batch's process tree {peak / 2**20:.0f} MB (PSS, summed)")


if __name__ == "__main__":
    main()
