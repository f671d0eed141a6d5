"""A bureau's intake: the files applicants sent, read back, checked, bound into its packet.

The folder holds one sub-folder per applicant (or one file per applicant, named for it), and
``bureau.yaml``, the bureau's own part of the packet (推荐单位, 联系人). Each applicant's
filled forms (DOCX, XLSX) are opened as untrusted files, read back against the blanks,
completed with what the paper does not print (the notice's own rule, then the side
spreadsheet ``supplement.xlsx``), and validated; its scans (PDF, JPG, PNG, TIFF) become its
attachments. The applicants whose forms are valid make the bureau packet and its summary
tables; every applicant is reported, with each problem's form label and data path.

One bad applicant never stops the others. Applicants' files are never changed. The packet
and tables are made in a staging folder and moved into place when all are made. What was
read is kept per applicant under ``.intake/`` with a digest of its files and side values,
so a second run reads again only the applicants whose files changed; their documents'
PDFs are kept there too, so it converts again only what changed, and binds nothing when
nothing changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from formgen import api
from formgen.data import paths, untrusted
from formgen.data.loading import load_file
from formgen.data.naming import safe_name
from formgen.data.textfile import DataFileError, UnreadableFileError
from formgen.document.controls import controls
from formgen.document.package import write_atomic
from formgen.model.fields import field_type, list_item
from formgen.model.registry import Form, Packet
from formgen.pdf import rebuild
from formgen.workflows import intake_paper, intake_report, supplement

BUREAU_FILE = "bureau.yaml"
CACHE = ".intake"
Status = Literal["ok", "invalid", "refused"]


@dataclass
class Issue:
    """One problem of one applicant: where (file, form label, data path) and what, in both languages."""

    file: str
    label: str
    path: str
    zh: str
    en: str
    severity: str = "error"


@dataclass
class Applicant:
    """What became of one applicant's files."""

    name: str
    status: Status = "ok"
    unit: str = ""
    files: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The valid data read, by the packet's list field it joins (providers, enterprises)."""
    read: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """All data read, valid or not, by form id: pre-fills the side spreadsheet."""
    attachments: list[tuple[str, str]] = field(default_factory=list)
    """(title, absolute path) of its scans."""
    digest: str = ""
    paper_copy: list[str] = field(default_factory=list)
    """Absolute paths of its stamped, scanned paper copy (`intake_paper.is_paper_copy`)."""
    paper: dict[str, Any] | None = None
    """What checking that copy against its packet found (`intake_paper.verify`)."""


@dataclass
class Intake:
    """The outcome of one `collect` run."""

    applicants: list[Applicant]
    written: list[Path]
    problems: list[str] = field(default_factory=list)
    """Why the packet could not be made from the applicants taken (none of a kind it needs)."""

    @property
    def all_taken(self) -> bool:
        """True when every applicant's files were valid and went into the packet."""
        return not self.problems and all(a.status == "ok" for a in self.applicants)


@dataclass(frozen=True)
class Slot:
    """A list of the packet's data that applicants fill: which form, and how its data joins."""

    field: str
    form: Form
    rows: str | None
    """For a table form (XLSX), the list of rows each applicant's file holds."""


def slots(packet: Packet) -> list[Slot]:
    """The packet's lists that applicants' forms fill, found by their item model."""
    notice = api.registry().notice_of(packet.id)
    found = []
    for name, info in packet.model.model_fields.items():
        item = list_item(field_type(info)[0])
        if item is None:
            continue
        for form in notice.forms:
            if form.model is item:
                found.append(Slot(name, form, None))
            for rows_name, rows_info in form.model.model_fields.items():
                if form.kind == "xlsx" and list_item(field_type(rows_info)[0]) is item:
                    found.append(Slot(name, form, rows_name))
    return found


def collect(
    packet_id: str,
    folder: Path,
    out_dir: Path = api.DEFAULT_OUT,
    *,
    on_applicant: Callable[[Applicant], None] | None = None,
) -> Intake:
    """Take in every applicant of `folder` for the bureau packet `packet_id`; write into `out_dir`.

    Raises `DataFileError` when ``bureau.yaml`` is missing or invalid: without the bureau's
    own part there is no packet.
    """
    packet = api.registry().packet(packet_id)
    own = _bureau_part(packet, folder)
    places = slots(packet)
    unprinted = side_fields(places)
    side = supplement.read(out_dir)
    applicants = []
    for name, files in _applicants(folder):
        try:
            applicant = _taken(name, files, places, side.get(name, {}), out_dir, folder / name)
        except Exception as exc:  # one applicant's file must never stop the others
            applicant = Applicant(name, "refused", files=[p.name for p in files])
            applicant.issues.append(
                Issue(
                    "",
                    "",
                    "",
                    f"无法处理此申请人的文件（{type(exc).__name__}: {exc}）",
                    f"this applicant's files could not be processed ({type(exc).__name__}: {exc})",
                )
            )
        applicants.append(applicant)
        if on_applicant is not None:
            on_applicant(applicant)
    written = [supplement.write(out_dir, unprinted, _side_rows(applicants, side, unprinted))]
    problems: list[str] = []
    while True:
        taken = [a for a in applicants if a.status == "ok"]
        try:
            written += _bind(packet, own, taken, out_dir)
        except api.InvalidDataError as exc:
            if _set_aside(taken, exc):  # an applicant the packet's rules refuse (a code twice)
                continue
            problems = [str(p) for p in exc.problems]  # e.g. no valid applicant of a kind it needs
            _unbind(out_dir)  # an earlier run's packet would no longer say what this run took
        break
    written += intake_report.write(applicants, out_dir)
    return Intake(applicants, written, problems)


def _bureau_part(packet: Packet, folder: Path) -> dict[str, Any]:
    path = folder / BUREAU_FILE
    lists = {s.field for s in slots(packet)}
    needed = [name for name in packet.model.model_fields if name not in lists]
    if not path.is_file():
        raise DataFileError(
            f"{path}: 缺少推荐单位信息文件（应含 {', '.join(needed)}） / "
            f"the bureau's own part is missing (it holds {', '.join(needed)})"
        )
    data = load_file(path).data
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: 应为键值映射 / expected a mapping of {', '.join(needed)}")
    return {k: v for k, v in data.items() if k in needed}


def _applicants(folder: Path) -> Iterator[tuple[str, list[Path]]]:
    """Each applicant's name and files: a sub-folder each, or one file each, in name order.

    Symbolic links are listed, never followed: a linked file is refused when it is taken.
    """
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == BUREAU_FILE:
            continue
        if entry.is_dir() and not entry.is_symlink():
            files = [
                Path(root) / name
                for root, _, names in os.walk(entry, followlinks=False)
                for name in names
                if not name.startswith(".")
            ]
            yield entry.name, sorted(files)
        else:
            yield entry.stem, [entry]


def side_fields(places: list[Slot]) -> list[tuple[str, str, type | None]]:
    """The side spreadsheet's columns: each Word form's fields that no input of its blank
    fills, keyed ``<form-id>:<path>``."""
    fields = []
    for place in places:
        if place.form.kind == "docx":
            tags = [
                c.tag
                for c in controls(
                    untrusted.SafePackage(api.render_blank(place.form.id)).xml("word/document.xml")
                )
            ]
            fields += [
                (f"{place.form.id}:{p}", label, kind)
                for p, label, kind in supplement.unprinted(place.form.model, tags)
            ]
    return fields


def _digest(files: list[Path], side: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for path in files:
        try:
            content = untrusted.read_file(path)
        except (untrusted.RefusedFileError, OSError):
            content = b"refused"  # refused again when taken, with its reason
        digest.update(path.name.encode() + b"\0" + content)
    digest.update(json.dumps(side, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _taken(
    name: str, files: list[Path], places: list[Slot], side: dict[str, Any], out_dir: Path, root: Path
) -> Applicant:
    """Read, complete and check one applicant, or take what an earlier run read from the same files."""
    digest = _digest(files, side)
    cache = out_dir / CACHE / f"{safe_name(name)}.json"
    if cache.is_file():
        try:
            kept = json.loads(cache.read_text(encoding="utf-8"))
            if kept.get("digest") == digest:
                kept["issues"] = [Issue(**i) for i in kept["issues"]]
                kept["attachments"] = [tuple(a) for a in kept["attachments"]]
                return Applicant(**kept)
        except (ValueError, TypeError, KeyError):
            pass  # an unreadable cache is read again from the files
    applicant = Applicant(name, files=[p.name for p in files], digest=digest)
    for path in files:
        if intake_paper.is_paper_copy(path, root):
            applicant.paper_copy.append(str(path.resolve()))
        else:
            _take_file(applicant, path, places, side)
    if not applicant.items and applicant.status == "ok":
        applicant.status = "invalid"
        applicant.issues.append(
            Issue("", "", "", "未找到本批次的申请表", "no form of this packet among the files")
        )
    if applicant.paper_copy:
        _check_paper(applicant, places, out_dir)
    write_atomic(cache, json.dumps(asdict(applicant), ensure_ascii=False, default=str).encode("utf-8"))
    return applicant


def _take_file(applicant: Applicant, path: Path, places: list[Slot], side: dict[str, Any]) -> None:
    try:
        content = untrusted.read_file(path)
        kind = untrusted.inspect(content, path.name)
        if kind in untrusted.SCANS:  # a scan must rebuild now, or the bureau's packet could not
            rebuild.rebuild_scan(content, path.name)
    except untrusted.RefusedFileError as exc:
        _refuse(applicant, path.name, exc)
        return
    except OSError as exc:
        _refuse(
            applicant,
            path.name,
            untrusted.RefusedFileError(
                path.name, f"无法打开（{exc.strerror}）", f"cannot open it ({exc.strerror})"
            ),
        )
        return
    if kind in untrusted.SCANS:
        applicant.attachments.append((path.stem, str(path.resolve())))
        return
    refusals: list[untrusted.RefusedFileError] = []
    for place in (p for p in places if p.form.kind == kind):
        try:
            result = api.read_back(place.form.id, path)
        except untrusted.RefusedFileError as exc:
            refusals.append(exc)
            continue
        _check(applicant, path.name, place, result.data, side)
        for label in result.unread:
            applicant.issues.append(
                Issue(path.name, label, "", "未能读取此项", "this input could not be read", "warning")
            )
        return
    other = _other_form(path, kind, places)
    if other is not None:  # e.g. an enterprise's 附件4 materials: the bureau keeps them, no table needs them
        form, data = other
        applicant.read.setdefault(form.id, []).append(data)  # its paper copy is checked against them
        applicant.issues.append(
            Issue(
                path.name,
                f"{form.label}{form.title}",
                "",
                "属于本通知，但不装订进本材料包（原件留存）",
                f"a form of the notice ({form.id}) that this packet does not bind: kept, not bound",
                "warning",
            )
        )
        return
    reason = (
        refusals[0]
        if len(refusals) == 1
        else untrusted.RefusedFileError(path.name, "不是本材料包的申请表", "not a form of this packet")
    )
    _refuse(applicant, path.name, reason)


def _check_paper(applicant: Applicant, places: list[Slot], out_dir: Path) -> None:
    """Check the applicant's stamped paper copy against its packet; what disagrees is a problem."""
    names = ", ".join(Path(p).name for p in applicant.paper_copy)
    if applicant.status != "ok" or intake_paper.applicant_packet(applicant.read) is None:
        applicant.issues.append(
            Issue(
                names,
                "",
                "",
                "纸质件（盖章扫描件）未核对：申请表有误，或缺少其材料包的某份材料（如诊断企业的附件4）",
                "the stamped paper copy was not checked: the forms are invalid, or a form of its "
                "packet is missing (such as an enterprise's 附件4 materials)",
                "warning",
            )
        )
        return
    try:
        applicant.paper = intake_paper.verify(
            applicant.name,
            applicant.read,
            applicant.attachments,
            [Path(p) for p in applicant.paper_copy],
            out_dir,
        )
    except UnreadableFileError as exc:
        applicant.status = "refused"
        applicant.issues.append(
            Issue(names, "", "", f"纸质件无法读取：{exc}", f"the paper copy cannot be read: {exc}")
        )
        return
    except api.InvalidDataError as exc:
        applicant.issues.append(
            Issue(names, "", "", f"纸质件未核对：{exc}", f"the paper copy was not checked: {exc}", "warning")
        )
        return
    for file, label, zh, en in intake_paper.problems(applicant.paper):
        applicant.status = "invalid"
        applicant.issues.append(Issue(file, label, "", zh, en))


def _other_form(path: Path, kind: str, places: list[Slot]) -> tuple[Form, dict[str, Any]] | None:
    """The form of the same notice, not bound by this packet, that the file at `path` is, and
    the data read from it."""
    bound = {p.form.id for p in places}
    notice = api.registry().notice_of(places[0].form.id)
    for form in notice.forms:
        if form.kind != kind or form.id in bound:
            continue
        try:
            result = api.read_back(form.id, path)
        except untrusted.RefusedFileError:
            continue
        return form, result.data
    return None


def _refuse(applicant: Applicant, name: str, exc: untrusted.RefusedFileError) -> None:
    applicant.status = "refused"
    applicant.issues.append(Issue(name, "", "", exc.zh, exc.en))


def _check(applicant: Applicant, name: str, place: Slot, data: dict[str, Any], side: dict[str, Any]) -> None:
    prefix = f"{place.form.id}:"
    for key, value in side.items():
        if key.startswith(prefix):
            paths.set_at(data, key[len(prefix) :], value)  # side values are never empty
    applicant.read.setdefault(place.form.id, []).append(data)
    rows_read = data.get(place.rows) if place.rows else [data]
    if isinstance(rows_read, list) and rows_read and isinstance(rows_read[0], dict):
        applicant.unit = applicant.unit or unit_of(rows_read[0])
    checked = api.check(place.form.id, data)
    for problem in checked.problems:
        applicant.issues.append(
            Issue(name, problem.label, problem.path, problem.message_zh, problem.message_en, problem.severity)
        )
    if not checked.ok or checked.instance is None:
        if applicant.status == "ok":
            applicant.status = "invalid"
        return
    # The data as read (not the model's dump, which holds computed totals): what validated.
    rows = list(data[place.rows]) if place.rows else [data]
    applicant.items.setdefault(place.field, []).extend(rows)


def unit_of(item: dict[str, Any]) -> str:
    """The applicant's unit name, wherever its form keeps it: the first ``unit_name`` met."""
    if isinstance(item.get("unit_name"), str):
        return str(item["unit_name"])
    for value in item.values():
        if isinstance(value, dict) and (found := unit_of(value)):
            return found
    return ""


def _side_rows(
    applicants: list[Applicant], side: dict[str, dict[str, Any]], fields: list[tuple[str, str, type | None]]
) -> dict[str, dict[str, Any]]:
    """Each applicant's row of the side spreadsheet: what the bureau typed, else what was read."""
    rows: dict[str, dict[str, Any]] = {}
    for applicant in applicants:
        row = dict(side.get(applicant.name, {}))
        for key, _, _ in fields:
            form_id, path = key.split(":", 1)
            for item in applicant.read.get(form_id, []):
                value = paths.value_at(item, path)
                if value is not None and key not in row:
                    row[key] = value
        rows[applicant.name] = row
    return rows


def _set_aside(taken: list[Applicant], exc: api.InvalidDataError) -> bool:
    """Mark invalid the applicants whose items the packet's rules name; whether any was."""
    owners: dict[str, Applicant] = {}
    for applicant in taken:
        for name, items in applicant.items.items():
            for _ in items:
                owners[f"{name}[{sum(k.startswith(name + '[') for k in owners)}]"] = applicant
    hit = False
    for problem in exc.problems:
        if problem.severity != "error":
            continue
        for key, applicant in owners.items():
            if problem.path.startswith(key + ".") or problem.path == key:
                applicant.status = "invalid"
                applicant.issues.append(
                    Issue("", problem.label, problem.path, problem.message_zh, problem.message_en)
                )
                hit = True
    return hit


def _unbind(out_dir: Path) -> None:
    """Remove the packet and tables an earlier run bound, with their record."""
    bound = out_dir / CACHE / "bound.json"
    with contextlib.suppress(OSError, ValueError):
        for name in json.loads(bound.read_text(encoding="utf-8"))["files"]:
            (out_dir / Path(name).name).unlink(missing_ok=True)
        bound.unlink()


def _bind(packet: Packet, own: dict[str, Any], taken: list[Applicant], out_dir: Path) -> list[Path]:
    """The bureau packet and its summary tables, made aside and moved into place together."""
    data: dict[str, Any] = dict(own)
    for applicant in taken:
        for name, items in applicant.items.items():
            data.setdefault(name, []).extend(items)
    attachments = [
        (f"{a.unit or a.name} {title}", Path(file)) for a in taken for title, file in a.attachments
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    # The same data and the same scans make the same bytes: an unchanged intake binds nothing.
    inputs = json.dumps(
        [data, [(t, str(f), a.digest) for a in taken for t, f in a.attachments]], sort_keys=True
    )
    bound = out_dir / CACHE / "bound.json"
    digest = hashlib.sha256(inputs.encode("utf-8")).hexdigest()
    with contextlib.suppress(OSError, ValueError):
        before = json.loads(bound.read_text(encoding="utf-8"))
        kept = [out_dir / name for name in before["files"]]
        if before["digest"] == digest and all(p.is_file() for p in kept):
            return kept
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=out_dir))
    try:
        made = [
            api.packet(
                packet.id, data, staging, extra_attachments=attachments, pdf_cache=out_dir / CACHE / "pdf"
            )
        ]
        for part in packet.parts:
            if part.derive is not None and api.form(part.form_id).kind == "xlsx":
                made += api.fill(part.form_id, data, staging)
        written = []
        for path in made:
            target = out_dir / path.name
            path.replace(target)
            written.append(target)
        record = {"digest": digest, "files": [p.name for p in written]}
        write_atomic(bound, json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
