"""Benchmark: what bringing a notice in through the portal costs, and what serving it costs
every request afterwards.

Printed side by side, medians of `--rounds`:

- per request: `notice_drafts.sync` when nothing was published since (the check every portal
  request makes), beside the plainest database round trip (``SELECT 1``) on the same session;
- on a change: `sync` loading a newly published package (written to the data folder and
  loaded as untrusted), beside `load_package` of the same folder already on disk;
- once per notice: an upload of a small Word form drafted and stored with its page pictures
  (`notice_drafts.create`), beside `formgen draft` of the same file into a folder
  (`api.draft`, no pictures).

Run: ``.venv/bin/python bench/bench_notice_import.py [--rounds 20] [--database URL]``
(SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from formgen import api
from formgen.workflows.portal import notice_drafts
from formgen.workflows.portal.db import NoticeDraft, open_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_draft import _time  # noqa: E402  (the script's folder is on the path, as for bench_faults)

from tests.drafting.small_forms import label_beside  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database", default=None, help="the portal's database URL (SQLite by default)")
    args = parser.parse_args()
    form = label_beside().content
    with tempfile.TemporaryDirectory(prefix="formgen-bench-import-") as work:
        folder = Path(work)
        engine = open_database(folder / "data", args.database)
        with Session(engine) as session:
            started = time.perf_counter()
            draft = notice_drafts.create(session, [("企业基本信息表.docx", form)], "bench-import-1")
            upload_s = time.perf_counter() - started
            (folder / "企业基本信息表.docx").write_bytes(form)
            plain_draft_s = _time(
                lambda: api.draft(
                    [folder / "企业基本信息表.docx"], folder / "cli", notice_id="bench-import-2"
                ),
                max(3, args.rounds // 4),
            )
            publication = notice_drafts.Publication(
                "示范通知", "示范厅", "示〔2024〕1号", draft.created.date(), ["成都市"]
            )
            notice_drafts.publish(session, draft, publication)

            cache = folder / "data" / "notices"
            loads = []
            for _ in range(max(3, args.rounds // 4)):
                notice_drafts.forget()
                for old in cache.glob("*"):
                    for path in sorted(old.rglob("*"), reverse=True):
                        path.unlink() if path.is_file() else path.rmdir()
                    old.rmdir()
                started = time.perf_counter()
                notice_drafts.sync(session, cache)
                loads.append(time.perf_counter() - started)
            sha = session.scalar(select(NoticeDraft.sha))
            on_disk = _time(lambda: api.open_package(cache / str(sha)), max(3, args.rounds // 4))
            unchanged = _time(lambda: notice_drafts.sync(session, cache), args.rounds * 10)
            plain = _time(lambda: session.execute(text("SELECT 1")).all(), args.rounds * 10)
            notice_drafts.forget()
        engine.dispose()
    print(f"database: {engine.url.get_backend_name()}, rounds: {args.rounds}")
    print(f"{'':42s}{'formgen':>12s}{'plain way':>12s}{'ratio':>8s}")
    rows = [
        ("per request: sync, nothing new (ms)", unchanged * 1000, plain * 1000),
        ("on publish: sync loads the package (ms)", statistics.median(loads) * 1000, on_disk * 1000),
        ("upload drafted + pictures stored (s)", upload_s, plain_draft_s),
    ]
    for name, ours, theirs in rows:
        print(f"{name:42s}{ours:12.2f}{theirs:12.2f}{ours / theirs:8.1f}")
    print(
        "plain ways: SELECT 1 on the same session; load_package of the folder on disk; formgen draft into a folder"
    )


if __name__ == "__main__":
    main()
