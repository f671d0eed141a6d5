"""The `formgen` command: a thin layer over `formgen.api`. The only module that imports rich."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import yaml
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from formgen import api
from formgen.api import InvalidDataError
from formgen.data.loading import DataFileError, UnreadableFileError
from formgen.document.package import write_atomic
from formgen.drafting.notice_draft import NoticeIdError
from formgen.drafting.report import FormReport
from formgen.model.problems import Problem
from formgen.model.registry import UnknownIdError
from formgen.paper.check import LABELS
from formgen.pdf.convert import ConversionError
from formgen.pdf.packet_pdf import PacketError
from formgen.workflows import batch as batch_module
from formgen.workflows import intake, intake_example, rulebook
from formgen.workflows import merge as merge_module

app = typer.Typer(
    help="formgen: official application annexes as fillable DOCX/XLSX and print-ready PDF.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    notices: Annotated[
        list[Path] | None,
        typer.Option(
            "--notices",
            help="A notice package folder to serve beside the installed notices (repeatable; "
            "FORMGEN_NOTICES names more, colon-separated).",
        ),
    ] = None,
) -> None:
    """formgen: official application annexes as fillable DOCX/XLSX and print-ready PDF."""
    if notices:
        api.use_packages(notices)


# Piped output (logs, CI, scripts) is not cut to 80 columns: paths and messages stay whole.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

OutOption = Annotated[Path, typer.Option("--out", help="Output folder.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
T = TypeVar("T")

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
"""The work could not be done: LibreOffice failed, or formgen itself did."""


# Failures the user can act on, and the exit status of each (the first match counts).
_EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (UnreadableFileError, EXIT_USAGE),  # a file that cannot be opened
    (DataFileError, EXIT_INVALID),  # a file that does not parse
    (UnknownIdError, EXIT_USAGE),
    (NoticeIdError, EXIT_USAGE),
    (PacketError, EXIT_USAGE),  # an attachment that cannot be read
    (ConversionError, EXIT_FAILED),  # LibreOffice could not make the PDF
    (batch_module.ShardError, EXIT_USAGE),  # a --shard value that cannot be used
    (batch_module.MergeError, EXIT_USAGE),  # shards that are not one batch
)
_FAILURES = tuple(kind for kind, _ in _EXIT_CODES)


def _run(action: Callable[[], T]) -> T:
    """Run `action`, turning every failure into a clear message and the contract's exit status."""
    try:
        return action()
    except InvalidDataError as exc:
        _print_problems(exc.problems)
        err.print(f"[red]数据无效，未写入任何文件 / invalid data, nothing was written ({exc.form_id})[/red]")
        raise typer.Exit(EXIT_INVALID) from None
    except _FAILURES as exc:
        err.print(f"[red]{exc.args[0] if exc.args else exc}[/red]", highlight=False)
        raise typer.Exit(next(code for kind, code in _EXIT_CODES if isinstance(exc, kind))) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception:
        log = _private_log()
        log.write_text(traceback.format_exc(), encoding="utf-8")
        err.print(
            "[red]formgen内部错误 / internal error.[/red] "
            f"Details: {log}. Please report it with that file to the formgen maintainers."
        )
        raise typer.Exit(EXIT_FAILED) from None


def _private_log() -> Path:
    """A new log file only this user can read: under $XDG_STATE_HOME/formgen, never a fixed
    name in a shared /tmp, which another user could plant as a link."""
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "formgen"
    try:
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = str(state)
    except OSError:
        folder = tempfile.gettempdir()
    fd, name = tempfile.mkstemp(prefix="formgen-error-", suffix=".log", dir=folder)  # mode 0600
    os.close(fd)
    return Path(name)


def _print_problems(problems: Sequence[Problem]) -> None:
    table = Table("级别 severity", "表单项 label", "数据路径 path", "说明 message", show_lines=True)
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        table.add_row(
            f"[{colour}]{p.severity}[/{colour}]", p.label, p.path, f"{p.message_zh}\n{p.message_en}"
        )
    err.print(table)


@app.command()
def forms() -> None:
    """List notices, their forms and packets."""
    registry = api.registry()
    for notice in registry.notices.values():
        out.print(f"[bold]{notice.id}[/bold]  {notice.doc_number}  {notice.title}")
        for form in notice.forms:
            out.print(f"  {form.id:<32} {form.kind:<5} {form.label} {form.title}")
        for packet in notice.packets:
            out.print(f"  {packet.id:<32} packet {packet.title}")


@app.command()
def blank(
    form_ids: Annotated[list[str] | None, typer.Argument(help="Form ids; see `formgen forms`.")] = None,
    all_forms: Annotated[bool, typer.Option("--all", help="Every registered form.")] = False,
    out_dir: OutOption = api.DEFAULT_OUT,
) -> None:
    """Write blank fillable forms, named <form-id>.docx / .xlsx."""
    ids = [f.id for f in api.registry().forms()] if all_forms else list(form_ids or [])
    if not ids:
        err.print("请给出表单编号或 --all / name form ids or give --all")
        raise typer.Exit(EXIT_USAGE)
    for path in _run(lambda: api.blank(ids, out_dir)):
        out.print(str(path))


@app.command()
def example(
    form_id: Annotated[str, typer.Argument(help="A form or packet id.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write <id>.yaml and the files it names into this folder.")
    ] = None,
) -> None:
    """Print a complete, realistic example data file (YAML); with --out, write it and its attachments."""
    if out_dir is None:
        sys.stdout.write(_run(lambda: api.example_text(form_id)))
        return
    for path in _run(lambda: api.write_example(form_id, out_dir)):
        out.print(str(path))


@app.command()
def schema(form_id: Annotated[str, typer.Argument(help="A form id.")]) -> None:
    """Print the JSON Schema of a form's data."""
    sys.stdout.write(json.dumps(_run(lambda: api.schema(form_id)), ensure_ascii=False, indent=2) + "\n")


@app.command()
def validate(
    form_id: Annotated[str, typer.Argument(help="A form or packet id.")],
    data: Annotated[Path, typer.Argument(help="Data file: YAML or JSON.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON.")] = False,
    strict: StrictOption = False,
) -> None:
    """Check a data file; print errors and warnings with field paths."""
    checked = _run(lambda: api.check_file(form_id, data, strict=strict))
    if as_json:
        sys.stdout.write(
            json.dumps([p.as_dict() for p in checked.problems], ensure_ascii=False, indent=2) + "\n"
        )
    elif checked.problems:
        _print_problems(checked.problems)
    else:
        out.print(f"[green]数据有效 / valid[/green] ({checked.encoding})")
    if not checked.ok:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def read(
    form_id: Annotated[str, typer.Argument(help="A form id.")],
    filled: Annotated[Path, typer.Argument(help="A blank form filled in by hand (.docx or .xlsx).")],
    data_out: Annotated[
        Path | None, typer.Option("--out", help="Write the data (YAML) to this file.")
    ] = None,
) -> None:
    """Read a form filled in Word, WPS or Excel back into data (YAML), by its inputs' tags."""
    data = _run(lambda: api.read_filled(form_id, filled))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if data_out is None:
        sys.stdout.write(text)
    else:
        write_atomic(data_out, text.encode("utf-8"))
        out.print(str(data_out))


@app.command()
def fill(
    form_id: Annotated[str, typer.Argument(help="A form id.")],
    data: Annotated[Path, typer.Argument(help="Data file: YAML or JSON.")],
    out_dir: OutOption = api.DEFAULT_OUT,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write <form-id>.pdf.")] = False,
    strict: StrictOption = False,
) -> None:
    """Write one filled form into --out, and with --pdf its PDF."""
    for path in _run(lambda: api.fill(form_id, data, out_dir, pdf=pdf, strict=strict)):
        out.print(str(path))


@app.command()
def packet(
    packet_id: Annotated[str, typer.Argument(help="A packet id; see `formgen forms`.")],
    data: Annotated[Path, typer.Argument(help="The packet's data file: YAML or JSON.")],
    out_dir: OutOption = api.DEFAULT_OUT,
    copies: Annotated[int, typer.Option("--copies", min=1, max=50, help="Complete copies in the file.")] = 1,
    duplex: Annotated[
        bool, typer.Option("--duplex", help="Start every document on an odd page (two-sided printing).")
    ] = False,
    pdfa: Annotated[bool, typer.Option("--pdfa", help="Write PDF/A-2b (archival).")] = False,
    codes: Annotated[
        bool,
        typer.Option(
            "--codes/--no-codes",
            help="A page code (QR and readable) at the foot of every page; on for applicants' packets.",
        ),
    ] = True,
) -> None:
    """Write the packet's print file <packet-id>.pdf into --out: documents, attachments, page numbers."""
    with out.status("formgen packet: rendering and converting…"):
        path = _run(
            lambda: api.packet(
                packet_id,
                data,
                out_dir,
                copies=copies,
                duplex=duplex,
                pdfa=pdfa,
                codes=None if codes else False,
            )
        )
    out.print(str(path))


@app.command()
def rules(
    notice_id: Annotated[str | None, typer.Argument(help="A notice id; all notices when left out.")] = None,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown (docs/rules.md).")] = False,
) -> None:
    """List every rule: id, severity, and the notice sentence it comes from."""
    if notice_id is not None and notice_id not in api.registry().notices:
        err.print(f"[red]未知的通知 / unknown notice: {notice_id}[/red]")
        raise typer.Exit(EXIT_USAGE)
    if as_markdown:
        sys.stdout.write(rulebook.markdown(notice_id))
        return
    for heading, title, found in rulebook.rules_by_notice(notice_id):
        table = Table(
            "id", "级别 severity", "规则 rule", "出处 source", title=f"{heading}  {title}", show_lines=True
        )
        for rule in found:
            table.add_row(rule.id, rule.severity, f"{rule.zh}\n{rule.en}", rule.source)
        out.print(table)


@app.command()
def batch(
    packet_id: Annotated[str, typer.Argument(help="A packet id; see `formgen forms`.")],
    source: Annotated[
        Path, typer.Argument(help="A folder of YAML/JSON files, a .jsonl file, or a .csv/.xlsx table.")
    ],
    out_dir: OutOption = api.DEFAULT_OUT,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes, each with a LibreOffice.")
    ] = None,
    strict: StrictOption = False,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            help="K/N: make shard K (from 0) of N; auto/N reads K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Make every packet again, even those already made.")
    ] = False,
) -> None:
    """Make the packets of many submitters, one folder each, a report of all, and the summary tables.

    A submitter with invalid data is recorded in batch-report.jsonl/.csv/.json and the batch
    goes on; the exit status is 1 when any submitter was not made. Running it again skips the
    submitters already made from the same data.
    """
    if not source.exists():
        err.print(f"[red]{source}: 无法打开 / cannot open[/red]")
        raise typer.Exit(EXIT_USAGE)
    share = _run(lambda: batch_module.parse_shard(shard)) if shard else None
    with _BatchProgress() as progress:
        outcomes = _run(
            lambda: batch_module.run(
                packet_id,
                source,
                out_dir,
                workers=workers,
                strict=strict,
                force=force,
                shard=share,
                on_outcome=progress.outcome,
                on_start=progress.start,
            )
        )
    made = sum(o.status in ("ok", "skipped") for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    out.print(
        f"{made}/{len(outcomes)} 份材料已生成 / packets made ({skipped} skipped); "
        f"report: {out_dir / batch_module.REPORT}.json"
    )
    if made < len(outcomes):
        raise typer.Exit(EXIT_INVALID)


class _BatchProgress:
    """A batch's progress: a bar with done and failed counts, rate and time left on a terminal;
    one plain line per submitter otherwise (logs, CI)."""

    def __init__(self) -> None:
        self.live = out.is_terminal
        self.done = self.failed = 0
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _BatchProgress:
        if self.live:
            self.bar = Progress(
                TextColumn("[bold]formgen batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("[green]{task.fields[done]} done[/green] [red]{task.fields[failed]} failed[/red]"),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=out,
            )
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def start(self, total: int | None) -> None:
        if self.bar is not None:
            self.task = self.bar.add_task("batch", total=total, done=0, failed=0, rate="")

    def outcome(self, outcome: batch_module.Outcome) -> None:
        if outcome.status in ("ok", "skipped"):
            self.done += 1
        else:
            self.failed += 1
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
            speed = self.bar.tasks[0].speed
            rate = f"{speed * 60:.0f}/min" if speed else ""
            self.bar.update(self.task, done=self.done, failed=self.failed, rate=rate)
            if outcome.status in ("invalid", "failed"):
                self.bar.console.print(_outcome_line(outcome), highlight=False)
            return
        out.print(_outcome_line(outcome), highlight=False)


def _outcome_line(outcome: batch_module.Outcome) -> str:
    colour = {"ok": "green", "skipped": "cyan", "invalid": "red", "failed": "red"}[outcome.status]
    lines = [
        f"[{colour}]{outcome.status:<8}[/{colour}] {outcome.source}  {outcome.submitter}  {outcome.output}"
    ]
    lines += [f"          {problem}" for problem in outcome.problems[:5]]
    return "\n".join(lines)


@app.command("batch-merge")
def batch_merge(
    shards: Annotated[list[Path], typer.Argument(help="The output folders of a batch's shards.")],
    out_dir: OutOption = api.DEFAULT_OUT,
) -> None:
    """Join the shards of one batch: one report and one set of summary tables.

    Shards of different inputs or formgen versions, unfinished, twice or missing are refused.
    """
    outcomes = _run(lambda: batch_module.merge(shards, out_dir))
    made = sum(o.status in ("ok", "skipped") for o in outcomes)
    out.print(
        f"{len(shards)} 个分片已合并 / shards joined: {made}/{len(outcomes)} packets made; "
        f"report: {out_dir / batch_module.REPORT}.json"
    )


@app.command()
def collect(
    packet_id: Annotated[str, typer.Argument(help="A bureau's packet id, e.g. sichuan-2023-110.city.")],
    folder: Annotated[
        Path, typer.Argument(help="What applicants sent: one sub-folder (or file) each, and bureau.yaml.")
    ],
    out_dir: OutOption = api.DEFAULT_OUT,
) -> None:
    """Take in applicants' filled files: read back, check, and bind the valid ones into the packet.

    Writes <packet-id>.pdf, the summary tables, intake-report.xlsx/.json and supplement.xlsx
    (what the paper does not print: fill it in and run again). Exit status 1 when any
    applicant was not taken.
    """
    if not folder.is_dir():
        err.print(f"[red]{folder}: 无法打开文件夹 / cannot open the folder[/red]")
        raise typer.Exit(EXIT_USAGE)

    def show(applicant: intake.Applicant) -> None:
        colour = {"ok": "green", "invalid": "red", "refused": "red"}[applicant.status]
        out.print(
            f"[{colour}]{applicant.status:<8}[/{colour}] {applicant.name}  {applicant.unit}", highlight=False
        )

    with out.status("formgen collect: reading applicants' files…"):
        result = _run(lambda: intake.collect(packet_id, folder, out_dir, on_applicant=show))
    table = Table(
        "申请人 applicant", "状态 status", "文件 file", "表单项 label", "数据路径 path", "说明 message"
    )
    for applicant in result.applicants:
        for issue in applicant.issues:
            table.add_row(
                applicant.name,
                applicant.status,
                issue.file,
                issue.label,
                issue.path,
                f"{issue.zh}\n{issue.en}",
            )
    if table.row_count:
        out.print(table)
    for problem in result.problems:
        err.print(f"[red]未能生成材料包 / the packet was not made: {problem}[/red]", highlight=False)
    for path in result.written:
        out.print(str(path))
    taken = sum(a.status == "ok" for a in result.applicants)
    out.print(f"{taken}/{len(result.applicants)} 个申请人已受理 / applicants taken")
    if not result.all_taken:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def merge(
    form_id: Annotated[str, typer.Argument(help="A summary table's form id, e.g. sichuan-2023-110.annex2.")],
    tables: Annotated[list[Path], typer.Argument(help="The bureaus' summary tables (.xlsx).")],
    out_dir: OutOption = api.DEFAULT_OUT,
) -> None:
    """Join the summary tables bureaus sent up into the province's table, rows renumbered.

    The same 统一社会信用代码 in two tables is reported as a conflict, with both sources;
    exit status 1 when any table was refused or any conflict was found.
    """
    result = _run(lambda: merge_module.merge(form_id, tables, out_dir))
    for line in result.problems:
        err.print(f"[red]{line}[/red]", highlight=False)
    out.print(f"{result.rows} 行 / rows → {result.written}")
    if result.problems:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def verify(
    submitted: Annotated[Path, typer.Argument(help="The packet PDF as it was submitted.")],
    scans: Annotated[
        list[Path],
        typer.Argument(help="The stamped paper copy, scanned: PDF, JPEG, PNG or TIFF files, in order."),
    ],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write verify-report.json/.html and marked pages here.")
    ] = None,
) -> None:
    """Check a stamped, scanned paper copy against the submitted packet, page by page.

    Exit 0 when the paper agrees, 1 when it does not, 2 when a file cannot be read.
    """
    with out.status("formgen verify: reading the scanned pages…"):
        report = _run(lambda: api.verify(submitted, scans, out_dir))
    table = Table("扫描页 scan", "对应页 page", "结论 finding", "差异 differences", show_lines=True)
    for page in report.pages:
        differences = "; ".join(f"{d.submitted or '∅'} → {d.scanned or '∅'}" for d in page.differences)
        missing = [label for label, found in page.seals if found is False]
        if missing:
            differences += ("; " if differences else "") + "缺章 no seal: " + "、".join(missing)
        colour = "green" if page.agrees else "red"
        findings = "、".join(f"{LABELS[f]} {f}" for f in page.findings)
        table.add_row(
            page.scan or "—", str(page.page or "—"), f"[{colour}]{findings}[/{colour}]", differences
        )
    out.print(table)
    if out_dir is not None:
        out.print(str(out_dir / "verify-report.html"))
    if report.agrees:
        out.print("[green]纸质材料与电子文档一致 / the paper agrees with the submission[/green]")
        return
    err.print("[red]纸质材料与电子文档不一致 / the paper does not agree with the submission[/red]")
    raise typer.Exit(EXIT_INVALID)


@app.command()
def demo(out_dir: OutOption = api.DEFAULT_OUT) -> None:
    """Write blank forms and filled examples, with PDFs, for every notice, and an example intake."""
    with out.status("formgen demo: rendering and converting…"):
        paths = _run(lambda: api.demo(out_dir))
    for path in paths:
        out.print(str(path))
    with out.status("formgen demo: an example intake for each bureau…"):
        intakes = _run(lambda: intake_example.demo(out_dir))
    for result in intakes:
        for applicant in result.applicants:
            first = applicant.issues[0] if applicant.issues else None
            why = f"  {first.label} {first.zh} / {first.en}" if first else ""
            out.print(f"  {applicant.status:<8} {applicant.name}{why}", highlight=False)
        for path in result.written:
            out.print(str(path))


DataOption = Annotated[
    Path, typer.Option("--data", help="The portal's data folder: SQLite database and uploads.")
]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="A database URL (postgresql://…); SQLite in --data by default."),
]


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    data_dir: DataOption = Path("portal-data"),
    database: DatabaseOption = None,
    processes: Annotated[
        int,
        typer.Option(
            "--processes",
            min=1,
            help="App processes serving the port, on the one SQLite file or PostgreSQL (each keeps"
            " a share of the 2 LibreOffice workers, at least one).",
        ),
    ] = 1,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="A reverse proxy's address whose X-Forwarded-For names the client (repeat for several;"
            " default FORMGEN_TRUSTED_PROXIES).",
        ),
    ] = None,
    smtp: Annotated[
        str | None,
        typer.Option(
            "--smtp",
            envvar="FORMGEN_SMTP_URL",
            help="Send the portal's e-mail through this server: smtp://user:pass@host:port, "
            "smtps://… or smtp+starttls://… (?from=address sets the sender). Without it the "
            "admin's mail log shows what would have been sent.",
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            envvar="FORMGEN_PUBLIC_URL",
            help="The portal's address as applicants reach it, for the links in its e-mail "
            "(default: http://HOST:PORT).",
        ),
    ] = None,
) -> None:
    """Run the web portal for applicants and bureaus (SQLite in --data by default)."""
    from formgen.workflows.portal import app as portal_app
    from formgen.workflows.portal.mail import BadSmtpUrl, SmtpServer

    if smtp:
        try:
            SmtpServer.from_url(smtp)
        except BadSmtpUrl as exc:
            err.print(f"[red]--smtp: {exc}[/red]", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
    out.print(f"formgen portal: http://{host}:{port}/  (data: {data_dir})")
    _run(
        lambda: portal_app.serve(
            host,
            port,
            data_dir,
            database,
            processes=processes,
            trusted_proxy=trusted_proxy,
            smtp=smtp,
            public_url=public_url,
        )
    )


users_app = typer.Typer(help="Manage the portal's accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[str, typer.Option("--role", help="applicant, bureau or admin.")],
    region: Annotated[
        str, typer.Option("--region", help="The region: 成都市, 万州区… (applicants, bureaus).")
    ] = "",
    password: Annotated[
        str,
        typer.Option(
            "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked when left out."
        ),
    ] = "",
    email: Annotated[
        str, typer.Option("--email", help="Where the portal writes to the account (receipts, decisions).")
    ] = "",
    unit: Annotated[
        str, typer.Option("--unit", help="A bureau's unit name, which begins its 推荐单位 fields.")
    ] = "",
    data_dir: DataOption = Path("portal-data"),
    database: DatabaseOption = None,
) -> None:
    """Add an account to the portal."""
    from formgen.workflows.portal import accounts

    try:
        user = accounts.add_account(data_dir, database, name, password, role, region, email, unit)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    out.print(f"用户已添加 / added: {user.name} ({user.role}{', ' + user.region if user.region else ''})")


package_app = typer.Typer(
    help="Notice packages: notices as data (docs/notice-packages.md).", no_args_is_help=True
)
app.add_typer(package_app, name="package")


@package_app.command("check")
def package_check(
    folder: Annotated[Path, typer.Argument(help="The package folder (holding notice.yaml).")],
) -> None:
    """Say what is wrong in a notice package, at file and line; exit 1 when anything is."""
    problems = _run(lambda: api.check_package(folder))
    for problem in problems:
        err.print(f"[red]{problem.where}[/red]: {problem.zh} / {problem.en}", highlight=False)
    if problems:
        err.print(f"[red]{len(problems)}处问题 / {len(problems)} problem(s)[/red]")
        raise typer.Exit(EXIT_INVALID)
    out.print(f"材料包无误 / the package is clean: {folder}")


class _WarningsToConsole(logging.Handler):
    """Prints the library's warnings (rules of severity warning) in yellow on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]警告 / warning: {record.getMessage()}[/yellow]", highlight=False)


def main() -> None:
    """Console-script entry point."""
    logger = logging.getLogger("formgen")
    logger.addHandler(_WarningsToConsole(logging.WARNING))
    logger.propagate = False
    app()


@app.command()
def draft(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Published forms: .docx .doc .wps .rtf .odt .html .xlsx .xls .et"),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="The package folder to write.")] = None,
    notice_id: Annotated[
        str | None, typer.Option("--id", help="The notice id (lower-case letters, digits, '-').")
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option(
            "--check", help="Check the package in this folder instead (as `formgen package check`)."
        ),
    ] = None,
) -> None:
    """Draft a notice package from the forms a bureau published: template, form YAML, example, report."""
    if check is not None:
        package_check(check)
        return
    if not files or out_dir is None:
        err.print("[red]请给出已发布的表单文件和 --out / give the published forms and --out[/red]")
        raise typer.Exit(EXIT_USAGE)
    notice = _run(lambda: api.draft(files, out_dir, notice_id=notice_id))
    for form in notice.forms:
        _print_draft_report(form.report)
    out.print(f"通知包 / package: {out_dir}  ({notice.id}; 报告 / report: {out_dir / 'draft-report.md'})")


def _print_draft_report(report: FormReport) -> None:
    table = Table(
        "路径 path",
        "标签 label",
        "位置 place",
        "类型 type",
        "置信度",
        title=f"{report.form_id}  {report.title}",
    )
    for place in report.found.places:
        colour = "yellow" if place.confidence < 0.7 else "green"
        table.add_row(
            place.path, place.label, place.where, place.type, f"[{colour}]{place.confidence:.2f}[/{colour}]"
        )
        for column in place.columns:
            table.add_row(f"  .{column.path}", f"↳ {column.label}", column.where, column.type, "")
    out.print(table)
    for note in report.notes:
        out.print(f"  {note}")
    if report.found.left_out:
        out.print(f"未作为申请人字段 / left out ({len(report.found.left_out)}):")
        for item in report.found.left_out:
            out.print(f"  {item.where}  {item.text}  — {item.reason}", highlight=False)
    review = report.review_first()
    if review:
        out.print(
            "优先复核 / review first: " + "、".join(f"{p.path}（{p.where}）" for p in review), highlight=False
        )
