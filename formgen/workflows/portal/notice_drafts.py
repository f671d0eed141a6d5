"""Notices an administrator brings in: published files drafted, reviewed, published.

The administrator uploads a notice's Word and Excel annexes; `formgen.api.draft_contents`
drafts a notice package from them (the same drafting as ``formgen draft``), kept whole in the
database with the published files and pictures of each blank. Corrections are kept as the
drafting stage's review (`formgen.drafting.review`) and applied by drafting the files again,
so a corrected path reaches the template; `check_package` runs on every save. A published
package is served by every portal process on the database: each one loads the published
packages it does not hold yet (`sync`) before it answers a request.

Drafting and picturing the blanks (LibreOffice, pdftoppm, and much Python) are jobs that take
bytes and give bytes back (`draft_uploads`, `redraft`, `blank_pictures`): the portal runs them
in its worker processes below its own CPU priority (`Runner`, `pdf_pool.PdfPool.run`) and
stores what they return.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from formgen import api
from formgen.data.package_files import PackageError
from formgen.data.textfile import UnreadableFileError
from formgen.data.untrusted import RefusedFileError
from formgen.drafting.inputs import ACCEPTED
from formgen.drafting.notice_draft import NOTICE_ID
from formgen.drafting.review import SHAPED, FormReview, adjuster
from formgen.model.package_spec import FIELD_TYPES, NO_DATA, FieldSpec, NoticeSpec
from formgen.model.problems import from_validation_error
from formgen.model.registry import Notice
from formgen.workflows.portal import notices
from formgen.workflows.portal.db import NoticeDraft, NoticeDraftPage, NoticeDraftSource
from formgen.workflows.portal.forms import FormValues
from formgen.workflows.portal.uploads import MAX_UPLOAD

MAX_FILES = 12
"""Annexes of one notice: real ones have two to eight."""
PAGE_DPI = 80
"""Pictures of a blank's pages: an A4 page 660 pixels wide, its 五号 text legible on a screen."""
TYPE_LABELS = {
    "text": "单行文字",
    "long_text": "多段文字",
    "money_wan": "金额（万元）",
    "money_yuan": "金额（元）",
    "count": "整数（人、个、台）",
    "quantity": "数量",
    "percent": "百分比",
    "area": "面积（平方米）",
    "date": "日期",
    "credit_code": "统一社会信用代码",
    "org_or_credit_code": "组织机构代码或信用代码",
    "id_card": "居民身份证号",
    "postcode": "邮政编码",
    "mobile": "手机号码",
    "phone": "电话、传真",
    "email": "电子邮箱",
    "choice": "单选（□）",
    "choices": "多选（□）",
    "rows": "表格行",
}
"""Each field type as the review page names it."""
CHOOSABLE = tuple(t for t in FIELD_TYPES if t not in SHAPED)
"""The types an administrator may give a field that is not a □ group or a table."""
COLUMN_TYPES = (*CHOOSABLE, "choice")
"""The types a table's column may take: a choice is a drop-down list in the sheet."""


class DraftRefused(ValueError):
    """What the administrator sent cannot be drafted, reviewed or published; the message says
    why, in Chinese and English."""


J = TypeVar("J")
R = TypeVar("R")


class Runner(Protocol):
    """Where a drafting job runs: `work(job)`, here or in a worker process; what `work`
    returns or raises (`DraftRefused`) comes back as it is."""

    def __call__(self, work: Callable[[J], R], job: J, /) -> R: ...


def in_process(work: Callable[[J], R], job: J) -> R:
    """Run a drafting job in the calling process (a script, a test without workers)."""
    return work(job)


@dataclass(frozen=True)
class ReviewedField:
    """One field of a drafted form as the review page lists it."""

    index: int
    path: str
    label: str
    type: str
    confidence: float | None
    place: str
    reviewed: bool

    @property
    def shaped(self) -> bool:
        """A □ group or a table: its type is the paper's."""
        return self.type in SHAPED


@dataclass(frozen=True)
class ReviewedColumn:
    """One column of a drafted Excel table or Word rows table as the review page lists it."""

    index: int
    """The sheet column, from 0 (A); a Word form's columns are counted through its tables."""
    path: str
    label: str
    type: str
    options: list[str]
    place: str
    """Its header cell (第3行 第2格): the key a review is kept by."""
    reviewed: bool


@dataclass(frozen=True)
class DraftForm:
    """One form of a draft, for the review page: its fields, its table, its office places."""

    name: str
    label: str
    title: str
    kind: str
    source: str
    fields: list[ReviewedField]
    columns: list[ReviewedColumn]
    """The columns of its tables of rows (Excel or Word) that the applicant fills."""
    office: list[str]
    pages: int


# --- the package as stored ----------------------------------------------------------------


def pack(files: Mapping[str, bytes]) -> bytes:
    """The package's files as one ZIP, the same bytes for the same files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), files[name])
    return out.getvalue()


def unpack(package: bytes) -> dict[str, bytes]:
    """The files of a package `pack` made."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(files: Mapping[str, bytes], folder: Path) -> Path:
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder


def _problems(files: Mapping[str, bytes]) -> list[str]:
    """`check_package`'s findings, each as the page shows it (file and line, Chinese)."""
    with tempfile.TemporaryDirectory(prefix="formgen-check-") as work:
        return [f"{p.where}：{p.zh}" for p in api.check_package(_write(files, Path(work)))]


def _store(draft: NoticeDraft, files: Mapping[str, bytes], found: Sequence[str]) -> None:
    """Keep `files` as the draft's package, `found` being their `_problems`."""
    draft.package = pack(files)
    draft.sha = hashlib.sha256(draft.package).hexdigest()
    _read_again()  # a published draft's package changed
    draft.problems_json = json.dumps(list(found), ensure_ascii=False)
    draft.updated = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def problems(draft: NoticeDraft) -> list[str]:
    """What `check_package` found when the draft was last saved."""
    found = json.loads(draft.problems_json)
    return [str(item) for item in found] if isinstance(found, list) else []


def regions(draft: NoticeDraft) -> list[str]:
    """The regions whose applicants may apply under the published notice."""
    found = json.loads(draft.regions_json)
    return [str(item) for item in found] if isinstance(found, list) else []


def notice_spec(draft: NoticeDraft) -> NoticeSpec:
    """The draft's notice.yaml."""
    return NoticeSpec.model_validate(yaml.safe_load(unpack(draft.package)["notice.yaml"]))


# --- bringing files in ----------------------------------------------------------------------


def _file_name(sent: str) -> str:
    """The uploader's file name made harmless: its last part, printable, not too long."""
    name = unicodedata.normalize("NFC", sent.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ACCEPTED:
        raise DraftRefused(
            f"{name or '（无名文件）'}：只接受Word（.docx、.doc、.wps）和Excel（.xlsx、.xls、.et）文件"
            f" / only Word and Excel files are accepted"
        )
    return f"{stem[:80] or '附件'}.{suffix.lower()}"


@dataclass(frozen=True)
class Drafted:
    """A package drafted from published files, as a drafting job gives it back."""

    files: dict[str, bytes]
    problems: list[str]
    """`check_package`'s findings, as the page shows them."""
    sources: tuple[tuple[str, bytes], ...] = ()
    """The files it was drafted from, as OOXML by name (a .doc converted to .docx)."""


@dataclass(frozen=True)
class UploadedFiles:
    """A drafting job: the files as sent, under the names `_file_name` made harmless."""

    files: list[tuple[str, bytes]]
    notice_id: str | None


def draft_uploads(job: UploadedFiles) -> Drafted:
    """Read each sent file as a published form and draft the notice from them (a job, in a
    worker process); `DraftRefused` names the first file refused and why."""
    with tempfile.TemporaryDirectory(prefix="formgen-import-") as work:
        sent = Path(work)
        sources: list[tuple[str, bytes]] = []
        for name, content in job.files:
            if not content:
                raise DraftRefused(f"{name}：文件为空 / the file is empty")
            if len(content) > MAX_UPLOAD:
                raise DraftRefused(f"{name}：文件超过{MAX_UPLOAD // 2**20}MB / the file is too large")
            (sent / name).write_bytes(content)
            try:
                sources.append(api.published_form(sent / name))
            except RefusedFileError as exc:
                raise DraftRefused(f"{name}：{exc.zh} / {exc.en}") from None
            except UnreadableFileError as exc:
                raise DraftRefused(f"{name}：{exc}") from None
        if len({name for name, _ in sources}) != len(sources):
            raise DraftRefused("两个文件同名（扩展名不同） / two files have the same name")
        files = _draft(sources, job.notice_id, {})
    return Drafted(files, _problems(files), tuple(sources))


def create(
    session: Session, uploads: Sequence[tuple[str, bytes]], notice_id: str = "", run: Runner = in_process
) -> NoticeDraft:
    """Draft a notice from `uploads` (file name, bytes as sent) and keep it; `DraftRefused`
    names the first file refused and why, and nothing is kept then. The drafting and the
    pictures of the blanks are `run`'s jobs."""
    if not uploads:
        raise DraftRefused("请选择通知的Word或Excel附件 / choose the notice's Word or Excel files")
    if len(uploads) > MAX_FILES:
        raise DraftRefused(f"一次最多上传{MAX_FILES}个文件 / at most {MAX_FILES} files at once")
    notice_id = notice_id.strip()
    if notice_id and not NOTICE_ID.match(notice_id):
        raise DraftRefused(
            f"通知编号只能由小写字母、数字和“-”组成：{notice_id} / a notice id is lower-case letters, digits and '-'"
        )
    names = [_file_name(name) for name, _ in uploads]
    if len(set(names)) != len(names):
        raise DraftRefused("两个文件同名 / two files have the same name")
    sent = [(name, content) for name, (_, content) in zip(names, uploads, strict=True)]
    drafted = run(draft_uploads, UploadedFiles(sent, notice_id or None))
    chosen = NoticeSpec.model_validate(yaml.safe_load(drafted.files["notice.yaml"])).id
    taken = chosen in api.registry().notices or session.scalar(
        select(NoticeDraft.id).where(NoticeDraft.notice_id == chosen)
    )
    if taken:
        raise DraftRefused(f"通知编号已被使用：{chosen} / the notice id is taken")
    draft = NoticeDraft(notice_id=chosen, status="draft", package=b"", sha="")
    _store(draft, drafted.files, drafted.problems)
    session.add(draft)
    try:
        session.flush()
    except IntegrityError:  # another administrator took the same id a moment before
        session.rollback()
        raise DraftRefused(f"通知编号已被使用：{chosen} / the notice id is taken") from None
    session.add_all(NoticeDraftSource(draft_id=draft.id, name=n, content=c) for n, c in drafted.sources)
    _keep_pages(session, draft, run(blank_pictures, drafted.files))
    session.commit()
    return draft


def _draft(
    sources: Sequence[tuple[str, bytes]], notice_id: str | None, reviews: dict[str, FormReview]
) -> dict[str, bytes]:
    """The package drafted from `sources` (OOXML, by file name) with `reviews` applied."""
    with tempfile.TemporaryDirectory(prefix="formgen-redraft-") as work:
        paths = []
        for name, content in sources:
            (Path(work) / name).write_bytes(content)
            paths.append(Path(work) / name)
        try:
            return api.draft_contents(paths, notice_id=notice_id, adjust=adjuster(reviews))
        except RefusedFileError as exc:
            raise DraftRefused(f"{exc.name}：{exc.zh} / {exc.en}") from None


Picture = tuple[str, int, bytes]
"""A page of a form's blank: the form's name in the package, the page's number from 1, a PNG."""


def blank_pictures(files: Mapping[str, bytes]) -> list[Picture]:
    """A picture of every page of every form's blank in the package `files` (a job, in a worker
    process); none while the package has problems: then it cannot be rendered."""
    pictures: list[Picture] = []
    with tempfile.TemporaryDirectory(prefix="formgen-pages-") as work:
        try:
            notice = api.open_package(_write(files, Path(work)))
        except PackageError:
            return pictures
        for form in notice.forms:
            name = form.id.split(".", 1)[1]
            for number, png in enumerate(api.blank_pages(form, dpi=PAGE_DPI), start=1):
                pictures.append((name, number, png))
    return pictures


def _keep_pages(session: Session, draft: NoticeDraft, pictures: Sequence[Picture]) -> None:
    """Keep `pictures` as the draft's pages, in place of those it had."""
    session.execute(delete(NoticeDraftPage).where(NoticeDraftPage.draft_id == draft.id))
    session.add_all(
        NoticeDraftPage(draft_id=draft.id, form=name, number=number, png=png)
        for name, number, png in pictures
    )


def page(session: Session, draft_id: int, form: str, number: int) -> bytes | None:
    """A picture of page `number` of `form`'s blank, if there is one."""
    found = session.scalar(
        select(NoticeDraftPage.png).where(
            NoticeDraftPage.draft_id == draft_id,
            NoticeDraftPage.form == form,
            NoticeDraftPage.number == number,
        )
    )
    return bytes(found) if found is not None else None


# --- the review ------------------------------------------------------------------------------


def _reviews(draft: NoticeDraft) -> dict[str, FormReview]:
    stored = json.loads(draft.review_json)
    return {
        name: FormReview(
            [FieldSpec.model_validate(f) for f in item.get("fields", [])],
            list(item.get("office", [])),
            [FieldSpec.model_validate(c) for c in item.get("columns", [])],
        )
        for name, item in (stored.items() if isinstance(stored, dict) else [])
    }


def _form_specs(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    spec = yaml.safe_load(files["notice.yaml"])
    return {name: yaml.safe_load(files[f"forms/{name}.yaml"]) for name in spec["forms"]}


def forms_of(session: Session, draft: NoticeDraft) -> list[DraftForm]:
    """The draft's forms as the review page shows them."""
    files = unpack(draft.package)
    reviews = _reviews(draft)
    counts: dict[str, int] = {}
    for name in session.scalars(select(NoticeDraftPage.form).where(NoticeDraftPage.draft_id == draft.id)):
        counts[name] = counts.get(name, 0) + 1
    shown = []
    for name, spec in _form_specs(files).items():
        source = str(spec.get("source") or "")
        fields = [
            ReviewedField(
                i,
                f["path"],
                f["label"],
                f.get("type", "text"),
                f.get("confidence"),
                str(f.get("place") or ""),
                bool(f.get("reviewed")),
            )
            for i, f in enumerate(spec.get("fields", []))
        ]
        office = reviews[source].office if source in reviews else []
        reviewed = {c.place for c in reviews[source].columns} if source in reviews else set()
        columns = [c for c in _columns(spec) if c.path not in NO_DATA]
        columns = [replace(c, reviewed=c.place in reviewed) for c in columns]
        shown.append(
            DraftForm(
                name,
                spec.get("label", ""),
                spec["title"],
                spec["kind"],
                source,
                fields,
                columns,
                office,
                counts.get(name, 0),
            )
        )
    return shown


def _columns(spec: Mapping[str, Any]) -> list[ReviewedColumn]:
    """Every column of a form's tables of rows, each with the header cell it is known by."""
    return [column for column, _ in _column_entries(spec)]


def _column_entries(spec: Mapping[str, Any]) -> list[tuple[ReviewedColumn, dict[str, Any]]]:
    """Each column of a form's tables of rows with its entry in the form's YAML: an Excel
    table's sheet columns from A, or a Word form's rows tables' columns in turn (numbered
    through the form, so each has its own inputs on the review page)."""
    table = spec.get("table") or {}
    placed = [(c, f"第{table['header_row']}行 第{i + 1}格") for i, c in enumerate(table.get("columns", []))]
    for field in spec.get("fields", []):
        if field.get("type") == "rows":
            placed += [(c, str(c["place"])) for c in field.get("columns", []) if c.get("place")]
    return [
        (
            ReviewedColumn(
                i, c["path"], c["label"], c.get("type", "text"), list(c.get("options", [])), place, False
            ),
            c,
        )
        for i, (c, place) in enumerate(placed)
    ]


@dataclass(frozen=True)
class Redraft:
    """A drafting job: a draft's files drafted again with its review, its notice's own words
    kept (title, issuer, number, date)."""

    sources: list[tuple[str, bytes]]
    notice_id: str
    reviews: dict[str, FormReview]
    own: dict[str, Any]


def redraft(job: Redraft) -> Drafted:
    """The package drafted again with the review (a job, in a worker process)."""
    files = _draft(job.sources, job.notice_id, job.reviews)
    files["notice.yaml"] = _notice_yaml(files, **job.own)
    return Drafted(files, _problems(files))


def save_review(session: Session, draft: NoticeDraft, values: FormValues, run: Runner = in_process) -> None:
    """Apply the review page's corrections and draft again (`run`'s job, as is picturing the
    blanks again); `DraftRefused` names the field.

    Each field is posted as ``<form>-<n>-path``, ``-label``, ``-type`` and ``-office``, each
    table column as ``<form>-c<n>-path``, ``-label``, ``-type``, ``-options`` and ``-office``
    (n its sheet column from 0); an office-only place given back to the applicant as
    ``<form>-restore-<n>``. A field whose
    values changed, or that was reviewed before, is kept as reviewed."""
    if draft.status != "draft":
        raise DraftRefused("通知已发布，不能再修改 / the notice is published and cannot change")
    files = unpack(draft.package)
    reviews = _reviews(draft)
    office_before = {source: sorted(r.office) for source, r in reviews.items() if r.office}
    for name, spec in _form_specs(files).items():
        source = str(spec.get("source") or "")
        review = reviews.setdefault(source, FormReview())
        restored = {
            place for n, place in enumerate(review.office) if values.get(f"{name}-restore-{n}") == "on"
        }
        review.office = [p for p in review.office if p not in restored]
        kept = {f.place: f for f in review.fields if f.place not in restored}
        for n, entry in enumerate(spec.get("fields", [])):
            place = entry.get("place")
            if not place:
                continue
            if values.get(f"{name}-{n}-office") == "on":
                review.office.append(place)
                kept.pop(place, None)
                continue
            corrected = _corrected(name, n, entry, values)
            if corrected is not None:
                kept[place] = corrected
        review.fields = list(kept.values())
        review.columns = _reviewed_columns(name, spec, review, restored, values)
    sources = [
        (s.name, bytes(s.content))
        for s in session.scalars(
            select(NoticeDraftSource)
            .where(NoticeDraftSource.draft_id == draft.id)
            .order_by(NoticeDraftSource.id)
        )
    ]
    own = notice_spec(draft)  # the notice's own words survive; its packets follow the fields
    words = {"title": own.title, "issuer": own.issuer, "doc_number": own.doc_number, "date": own.date}
    redrafted = run(redraft, Redraft(sources, draft.notice_id, reviews, words))
    office_after = {source: sorted(r.office) for source, r in reviews.items() if r.office}
    draft.review_json = json.dumps(
        {
            source: {
                "fields": [f.model_dump(mode="json", by_alias=True, exclude_defaults=True) for f in r.fields],
                "office": r.office,
                "columns": [
                    c.model_dump(mode="json", by_alias=True, exclude_defaults=True) for c in r.columns
                ],
            }
            for source, r in reviews.items()
            if r.fields or r.office or r.columns
        },
        ensure_ascii=False,
    )
    had_pages = session.scalar(
        select(NoticeDraftPage.id).where(NoticeDraftPage.draft_id == draft.id).limit(1)
    )
    _store(draft, redrafted.files, redrafted.problems)
    if office_after != office_before or _printed(redrafted.files) != _printed(files) or not had_pages:
        # An office-only place changes the blank (a control fewer or more), and so does what
        # it shows of a field: its label (a control's prompt 请填写<label>, a column's header
        # cell), its type (a date's 请选择日期, a yes/no box), its options. Its data name does not.
        _keep_pages(session, draft, run(blank_pictures, redrafted.files))
    session.commit()


UNSHOWN = frozenset({"path", "reviewed", "confidence"})
"""A field's keys that its blank does not show: the data name and the review's own marks."""


def _printed(files: Mapping[str, bytes]) -> set[str]:
    """What the package's blanks show of each field and table column (every key but `UNSHOWN`),
    one text each, to tell whether a review changed the pictures of the blanks."""

    def shown(entry: Mapping[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in entry.items() if k not in UNSHOWN}
        if isinstance(kept.get("columns"), list):
            kept["columns"] = [shown(c) for c in kept["columns"] if isinstance(c, dict)]
        return kept

    printed: set[str] = set()
    for name, spec in _form_specs(files).items():
        entries = [*spec.get("fields", []), *(entry for _, entry in _column_entries(spec))]
        printed |= {
            json.dumps([name, shown(e)], sort_keys=True, ensure_ascii=False, default=str)
            for e in entries
            if isinstance(e, dict)
        }
    return printed


def _corrected(form: str, n: int, entry: dict[str, Any], values: FormValues) -> FieldSpec | None:
    """The field as corrected on the page, reviewed; None when nothing changed and it was never
    reviewed (the draft's guess stands)."""
    changed = dict(entry)
    for key in ("path", "label", "type"):
        sent = values.get(f"{form}-{n}-{key}")
        if sent is not None and sent.strip():
            changed[key] = sent.strip()
    if changed["type"] != entry.get("type", "text") and (
        changed["type"] not in CHOOSABLE or entry.get("type") in SHAPED
    ):
        raise DraftRefused(
            f"第{n + 1}项「{entry['label']}」（{entry['path']}）：不能改为此类型：{changed['type']}"
            f" / this field cannot take that type"
        )
    if changed == entry and not entry.get("reviewed"):
        return None
    changed["reviewed"] = True
    try:
        return FieldSpec.model_validate(changed)
    except ValidationError as exc:
        reasons = "；".join(p.message_zh for p in from_validation_error(FieldSpec, exc, changed))
        english = "; ".join(p.message_en for p in from_validation_error(FieldSpec, exc, changed))
        raise DraftRefused(
            f"第{n + 1}项「{entry['label']}」（{entry['path']}）：{reasons} / {entry['path']}: {english}"
        ) from None


def _reviewed_columns(
    form: str, spec: Mapping[str, Any], review: FormReview, restored: set[str], values: FormValues
) -> list[FieldSpec]:
    """The table's columns as corrected on the page (office-only ones added to `review.office`),
    with the columns reviewed before that were neither changed nor given to the office."""
    kept = {c.place: c for c in review.columns if c.place not in restored}
    for column, entry in _column_entries(spec):
        if column.path in NO_DATA:
            continue
        if values.get(f"{form}-c{column.index}-office") == "on":
            review.office.append(column.place)
            kept.pop(column.place, None)
            continue
        corrected = _corrected_column(form, column, entry, values)
        if corrected is not None:
            kept[column.place] = corrected
    return list(kept.values())


def _corrected_column(
    form: str, column: ReviewedColumn, entry: dict[str, Any], values: FormValues
) -> FieldSpec | None:
    """A column as corrected on the page, reviewed, with its header cell as its place; None when
    nothing changed and it was never reviewed."""
    changed = dict(entry)
    for key in ("path", "label", "type"):
        sent = values.get(f"{form}-c{column.index}-{key}")
        if sent is not None and sent.strip():
            changed[key] = sent.strip()
    sent_options = values.get(f"{form}-c{column.index}-options")
    named = f"第{column.index + 1}列「{column.label}」（{column.path}）"
    if changed["type"] not in COLUMN_TYPES:
        raise DraftRefused(f"{named}：不能改为此类型：{changed['type']} / this column cannot take that type")
    if changed["type"] == "choice":
        if sent_options is not None:
            changed["options"] = list(dict.fromkeys(_options(sent_options)))
        if not changed.get("options"):
            raise DraftRefused(f"{named}：下拉选项不能为空，请用“、”分隔填写 / a drop-down needs its options")
    else:
        changed.pop("options", None)
        changed.pop("other", None)
    if "other" in changed and changed["other"].get("option", "其他") not in changed["options"]:
        changed.pop("other")
    if changed == entry and not entry.get("reviewed"):
        return None
    changed["reviewed"] = True
    changed["place"] = column.place
    try:
        return FieldSpec.model_validate(changed)
    except ValidationError as exc:
        reasons = "；".join(p.message_zh for p in from_validation_error(FieldSpec, exc, changed))
        english = "; ".join(p.message_en for p in from_validation_error(FieldSpec, exc, changed))
        raise DraftRefused(f"{named}：{reasons} / {column.path}: {english}") from None


def _options(text: str) -> list[str]:
    """Drop-down options as the administrator types them: separated by 、，, ; or new lines."""
    for mark in "，,;；\n\r":
        text = text.replace(mark, "、")
    return [o.strip() for o in text.split("、") if o.strip()]


def _notice_yaml(files: Mapping[str, bytes], **update: Any) -> bytes:
    """The package's notice.yaml with `update` (title, issuer, doc_number, date) written in."""
    spec = NoticeSpec.model_validate(yaml.safe_load(files["notice.yaml"])).model_copy(update=update)
    dumped = yaml.safe_dump(spec.model_dump(mode="json", by_alias=True), allow_unicode=True, sort_keys=False)
    return dumped.encode("utf-8")


# --- publishing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What the administrator says about the notice when publishing it."""

    title: str
    issuer: str
    doc_number: str
    date: dt.date
    regions: list[str]
    closes: dt.date | None = None
    """The last day applications are taken, if there is one."""


def publish(session: Session, draft: NoticeDraft, publication: Publication) -> None:
    """Write the notice's metadata into the package and serve it; `DraftRefused` while the
    package has problems or the metadata is incomplete."""
    missing = [
        label
        for label, value in (
            ("标题", publication.title),
            ("发文机关", publication.issuer),
            ("文号", publication.doc_number),
        )
        if not value.strip()
    ]
    if missing:
        raise DraftRefused(f"请填写：{'、'.join(missing)} / give the notice's title, issuer and number")
    if not publication.regions:
        raise DraftRefused("请选择可以申报的地区 / choose the regions whose applicants may apply")
    files = unpack(draft.package)
    files["notice.yaml"] = _notice_yaml(
        files,
        title=publication.title.strip(),
        issuer=publication.issuer.strip(),
        doc_number=publication.doc_number.strip(),
        date=publication.date,
    )
    _store(draft, files, _problems(files))
    found = problems(draft)
    if found:
        session.rollback()
        raise DraftRefused("材料包仍有问题，请先修改：" + "；".join(found[:5]))
    unknown = sorted(set(publication.regions) - set(notices.known_regions()))
    if unknown:
        session.rollback()
        raise DraftRefused(f"不是通知所列的地区：{'、'.join(unknown)} / not a region the notices list")
    draft.regions_json = json.dumps(publication.regions, ensure_ascii=False)
    draft.status = "published"
    notices.keep_closes(session, draft.notice_id, publication.closes)
    session.commit()
    _read_again()


# --- serving published notices ---------------------------------------------------------------

Published = tuple[str, str, str, tuple[str, ...]]
"""One published notice as a process serves it: its id, its version (the package's digest and
its regions), the folder its package is written in, and its regions."""

_loaded: dict[str, tuple[Published, Notice]] = {}
"""The published notices this process serves, by notice id."""
_lock = threading.Lock()
SYNC_EVERY_S = 1.0
"""How long a process serves what it last read of the published notices before it reads them
again: another process's publication is served here within this time, this process's own at
once (`publish` makes the next request read them)."""
_synced_at: float | None = None
"""When this process last read the published notices (`time.monotonic`); None: read them."""


def sync_due() -> bool:
    """Whether the published notices are to be read again (`sync`) before the next answer."""
    return _synced_at is None or time.monotonic() - _synced_at >= SYNC_EVERY_S


def sync(session: Session, cache: Path) -> None:
    """Serve exactly the notices published in the database: a package this process does not
    hold yet (or holds in another version) is written under `cache` and loaded."""
    global _synced_at
    _synced_at = time.monotonic()  # before the read: what is committed after it is read next time
    rows = session.execute(
        select(NoticeDraft.notice_id, NoticeDraft.sha, NoticeDraft.regions_json).where(
            NoticeDraft.status == "published"
        )
    ).all()
    wanted = {notice_id: f"{sha}:{regions}" for notice_id, sha, regions in rows}
    if _versions() == wanted:
        return
    with _lock:
        if _versions() == wanted:
            return
        held = _versions()
        entries: list[Published] = []
        for notice_id, sha, regions_json in rows:
            folder = cache / sha
            if held.get(notice_id) != wanted[notice_id] and not (folder / "notice.yaml").is_file():
                package = session.scalar(
                    select(NoticeDraft.package).where(NoticeDraft.notice_id == notice_id)
                )
                _materialize(unpack(bytes(package or b"")), folder)
            entries.append((notice_id, wanted[notice_id], str(folder), tuple(json.loads(regions_json))))
        _serve(entries)


def published() -> tuple[Published, ...]:
    """The published notices this process serves, for another process to serve the same
    (`serve`): a worker process that makes their packets' PDFs."""
    return tuple(sorted(entry for entry, _ in _loaded.values()))


def serve(entries: Sequence[Published]) -> None:
    """Serve exactly `entries`, the `published()` of a process that synced with the database:
    their packages are in their folders already. Nothing is loaded again when nothing changed."""
    if published() == tuple(sorted(entries)):
        return
    with _lock:
        _serve(entries)


def _serve(entries: Sequence[Published]) -> None:
    """Serve `entries` (under `_lock`), keeping the notices loaded already in the same version."""
    fresh: dict[str, tuple[Published, Notice]] = {}
    for entry in entries:
        notice_id, version, folder, regions = entry
        held = _loaded.get(notice_id)
        if held is not None and held[0][1] == version:
            fresh[notice_id] = held
            continue
        fresh[notice_id] = (entry, replace(api.open_package(Path(folder)), regions=regions))
    _loaded.clear()
    _loaded.update(fresh)
    api.serve_notices([notice for _, notice in fresh.values()])


def _versions() -> dict[str, str]:
    return {notice_id: entry[1] for notice_id, (entry, _) in _loaded.items()}


def _read_again() -> None:
    """Have the next request read the published notices, whenever it comes."""
    global _synced_at
    _synced_at = None


def forget() -> None:
    """Serve no published notice (a test's portal is gone; a process switches databases)."""
    with _lock:
        _read_again()
        _loaded.clear()
        api.serve_notices([])


def _materialize(files: Mapping[str, bytes], folder: Path) -> None:
    """Write a package into `folder` whole: made aside, then renamed into place, so another
    process (or thread) never loads half of it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    _write(files, staging)
    try:
        staging.rename(folder)
    except OSError:  # another process put the same package there first
        shutil.rmtree(staging, ignore_errors=True)
