"""formgen's Python API: what the command line, bulk scripts and tests call.

Data flows one way: data file -> model -> render context -> document -> PDF. Every
function here is a few lines over the layers below it.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import as_file
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from formgen.data import untrusted
from formgen.data.loading import load_file, parse
from formgen.data.naming import safe_name
from formgen.data.textfile import UnreadableFileError
from formgen.document import context, docx_render, package_load, paper_guidance, readback, xlsx_render
from formgen.document.package import write_atomic
from formgen.document.package_load import PackageProblem
from formgen.drafting import inputs, notice_draft, package_writer, redraft
from formgen.drafting.places import Adjust
from formgen.model import common_rules
from formgen.model.problems import Problem, from_validation_error
from formgen.model.registry import Form, Notice, Packet, Registry, load_registry
from formgen.model.rules import evaluate
from formgen.paper import check as check_paper
from formgen.paper import report as paper_report
from formgen.pdf import convert, packet_build, page_images, rebuild
from formgen.pdf.packet_pdf import Metadata, Options

DEFAULT_OUT = Path("outputs")
LOG = logging.getLogger("formgen")


class InvalidDataError(Exception):
    """The data breaks the form's rules; nothing was written."""

    def __init__(self, item_id: str, problems: Sequence[Problem]) -> None:
        self.form_id = item_id
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{item_id}: 数据无效 / invalid data\n{lines}")

    def __reduce__(self) -> tuple[type[InvalidDataError], tuple[str, list[Problem]]]:
        """Pickled whole: the portal's packets are made in worker processes and it comes back."""
        return (type(self), (self.form_id, self.problems))


@dataclass
class Checked:
    """The outcome of validating data against a form's or a packet's model."""

    item: Form | Packet
    instance: BaseModel | None
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)


NOTICES_ENV = "FORMGEN_NOTICES"
"""Colon-separated notice package folders the operator names (``formgen --notices DIR`` adds
to it, so worker processes see them too)."""


_served: tuple[Notice, ...] = ()
"""Notices a running program serves beside the installed ones (the portal's published ones)."""


@functools.cache
def registry() -> Registry:
    """The notices installed in this environment, the notice packages of `FORMGEN_NOTICES`, and
    those `serve_notices` named."""
    found = load_registry()
    for folder in package_folders():
        found.register(package_load.load_package(folder, trusted=True))
    for notice in _served:
        found.register(notice)
    return found


def serve_notices(notices: Sequence[Notice]) -> None:
    """Serve `notices` too, in place of those served before (the portal's published notices)."""
    global _served
    _served = tuple(notices)
    registry.cache_clear()
    _blank_bytes.cache_clear()


def open_package(folder: Path) -> Notice:
    """The notice of the package at `folder`, read as untrusted (its rules.py is not run);
    `PackageError` when anything is wrong."""
    return package_load.load_package(folder, trusted=False)


def package_folders() -> list[Path]:
    """The notice package folders named in `FORMGEN_NOTICES`, in order."""
    return [Path(part) for part in os.environ.get(NOTICES_ENV, "").split(os.pathsep) if part]


def use_packages(folders: Sequence[Path]) -> None:
    """Serve the notice packages in `folders` too, in this process and the workers it starts."""
    named = [*package_folders(), *(folder.resolve() for folder in folders)]
    os.environ[NOTICES_ENV] = os.pathsep.join(str(folder) for folder in named)
    registry.cache_clear()


def check_package(folder: Path) -> list[PackageProblem]:
    """What is wrong in the notice package at `folder`, at file and line; empty when nothing is.

    The package is read as untrusted: its rules.py is not run."""
    return package_load.check_package(folder)


def form(form_id: str) -> Form:
    """Return the registered form `form_id`."""
    return registry().form(form_id)


def example_text(item_id: str) -> str:
    """Return the complete example data of a form or packet, as YAML text."""
    return registry().item(item_id).example.read_text(encoding="utf-8")


def write_example(item_id: str, out_dir: Path) -> list[Path]:
    """Write the example data file `<item-id>.yaml` into `out_dir`, with the files it names.

    A packet's example names attachment files beside it; they are copied too, so that the
    example works as it is: ``formgen packet ID out_dir/ID.yaml``.
    """
    target = out_dir / f"{item_id}.yaml"
    write_atomic(target, example_text(item_id).encode("utf-8"))
    written = [target]
    item = registry().item(item_id)
    if isinstance(item, Packet) and item.attachments_of is not None:
        instance = _valid(item_id, example_data(item_id))
        with as_file(item.example) as example_path:
            for attachment in item.attachments_of(instance):
                relative = Path(attachment.file)
                if relative.is_absolute():
                    continue
                write_atomic(out_dir / relative, (example_path.parent / relative).read_bytes())
                written.append(out_dir / relative)
    return written


def example_data(item_id: str) -> Any:
    """Return the example data of a form or packet, parsed."""
    return parse(example_text(item_id), f"{item_id}.yaml")


def schema(item_id: str) -> dict[str, Any]:
    """Return the JSON Schema of a form's or packet's data."""
    item = registry().item(item_id)
    result: dict[str, Any] = item.model.model_json_schema()
    result["$id"] = f"urn:formgen:{item.id}"
    return result


def check(item_id: str, data: Any, *, strict: bool = False) -> Checked:
    """Validate parsed `data` against the model of a form or packet, then the notice's rules.

    A form also accepts the data of a packet that holds it (a bureau's packet for its
    summary table); the form's own problems are reported when neither fits. With `strict`,
    warnings count as errors.
    """
    item = registry().item(item_id)
    checked = _check_model(item, data, strict=strict)
    if checked.instance is not None or not isinstance(item, Form):
        return checked
    for packet in registry().packets_with(item.id):
        as_packet = _check_model(packet, data, strict=strict)
        if as_packet.instance is not None:
            return as_packet
    return checked


def _check_model(item: Form | Packet, data: Any, *, strict: bool) -> Checked:
    """Validate against `item`'s model; if the data fits, run every rule that applies."""
    try:
        instance = item.model.model_validate(data)
    except ValidationError as exc:
        return Checked(item, None, from_validation_error(item.model, exc, data))
    rules = (*common_rules.RULES, *registry().notice_of(item.id).rules)
    problems = evaluate(rules, item.model, instance, strict=strict)
    return Checked(item, instance, problems)


def check_file(item_id: str, path: Path, *, strict: bool = False) -> Checked:
    """Read the data file at `path` and validate it; parse errors raise `DataFileError`.

    For a packet, the attachment files the data names must exist too (beside the data file).
    """
    loaded = load_file(path)
    checked = check(item_id, loaded.data, strict=strict)
    checked.encoding = loaded.encoding
    if isinstance(checked.item, Packet) and checked.instance is not None:
        checked.problems += _attachments(checked.item, checked.instance, path.parent)[1]
    return checked


def form_data(form_id: str, data: BaseModel | Path | Any, *, strict: bool = False) -> list[BaseModel]:
    """Return the data of each document of `form_id` that `data` makes.

    `data` is the form's own data (one document), or the data of a packet holding the form,
    from which the form's data is derived: a bureau's summary table from its submitters'
    applications, or one report per provider. Invalid data raises `InvalidDataError`
    with the form's problems; warnings are logged to the ``formgen`` logger.
    """
    found = form(form_id)
    if isinstance(data, BaseModel):
        instance = data
    else:
        checked = (
            check_file(form_id, data, strict=strict)
            if isinstance(data, Path)
            else check(form_id, data, strict=strict)
        )
        if not checked.ok or checked.instance is None:
            raise InvalidDataError(form_id, checked.problems)
        for problem in checked.problems:
            LOG.warning("%s", problem)
        instance = checked.instance
    if isinstance(instance, found.model):
        return [instance]
    for packet in registry().packets_with(form_id):
        if isinstance(instance, packet.model):
            return packet_documents(packet.id, instance, only=form_id)
    raise TypeError(f"{type(instance).__name__} is not data of {form_id}")


def packet_documents(packet_id: str, instance: BaseModel, *, only: str | None = None) -> list[BaseModel]:
    """Return the data of every document of a packet, in the packet's order."""
    documents: list[BaseModel] = []
    for part in registry().packet(packet_id).parts:
        if part.derive is None or (only is not None and part.form_id != only):
            continue
        derived = part.derive(instance)
        documents += [derived] if isinstance(derived, BaseModel) else list(derived)
    return documents


def _render(found: Form, instance: BaseModel | None, *, prompts: bool = True) -> bytes:
    """Render a form: blank when `instance` is None. Word forms go through the render context;
    spreadsheets keep numbers as numbers and read the model directly."""
    if found.kind == "xlsx":
        return xlsx_render.render(found.template, found.model, instance, title=found.title)
    tree = context.build(found.model, instance, blank=instance is None, prompts=prompts)
    samples = tree.state.samples if tree.state is not None else None
    return docx_render.render(found.template, tree.children, title=found.title, samples=samples)


def read_filled(form_id: str, path: Path) -> dict[str, Any]:
    """Return the data of a form filled in by hand (Word, WPS, LibreOffice, Excel).

    The data is not validated here: pass it to `check`, or write it out and `validate` it.
    Inputs that could not be read are logged as warnings; `read_back` returns them.
    """
    result = read_back(form_id, path)
    for label in result.unread:
        LOG.warning("%s: 未能读取 / could not read: %s", path.name, label)
    return result.data


def read_back(form_id: str, path: Path) -> readback.ReadBack:
    """Read an untrusted filled form: its data, and the inputs that could not be read.

    A hostile file, one of another form or notice, or one that is not what its extension
    says raises `RefusedFileError` (a `DataFileError`), with the reason.
    """
    try:
        content = untrusted.read_file(path)
    except OSError as exc:
        raise UnreadableFileError(f"{path}: 无法打开 / cannot open: {exc.strerror}") from None
    found = form(form_id)
    kind = untrusted.inspect(content, path.name)
    if kind != found.kind:
        raise untrusted.RefusedFileError(
            path.name, f"{form_id}应为{found.kind.upper()}文件", f"{form_id} is a {found.kind.upper()} file"
        )
    result = readback.read(found, content, _blank_bytes(form_id), path.name)
    if found.complete is not None:
        result.data = found.complete(result.data)
    return result


def packet_guidance(packet_id: str) -> dict[str, list[str]]:
    """The paper's guidance for each input of a packet's documents (a 正文 box's 填写要求, the
    pledge a date signs), by the packet's data path (``report.body.intro``)."""
    return dict(_packet_guidance(registry().packet(packet_id)))


@functools.cache
def _packet_guidance(packet: Packet) -> tuple[tuple[str, list[str]], ...]:
    found: list[tuple[str, list[str]]] = []
    for name, info in packet.model.model_fields.items():
        for document in (f for f in registry().forms() if f.kind == "docx" and f.model is info.annotation):
            lines = paper_guidance.guidance(document.template.read_bytes())
            found += [(f"{name}.{path}", text) for path, text in lines.items()]
    return tuple(found)


@functools.cache
def _blank_bytes(form_id: str) -> bytes:
    return render_blank(form_id)


def blank_pages(found: Form, *, dpi: int = 60) -> list[bytes]:
    """The blank of `found` (registered or not), its controls showing their prompts: each page a
    greyscale PNG."""
    with tempfile.TemporaryDirectory(prefix="formgen-blank-") as work:
        source = Path(work) / f"blank.{found.kind}"
        source.write_bytes(_render(found, None))
        (pdf,) = convert.to_pdf([source], Path(work) / "pdf")
        return page_images.png_pages(pdf, dpi=dpi)


def render_blank(form_id: str, *, prompts: bool = True) -> bytes:
    """Return the bytes of the blank fillable form; without `prompts` for printing on paper."""
    return _render(form(form_id), None, prompts=prompts)


def render_filled(form_id: str, instance: BaseModel) -> bytes:
    """Return the bytes of the form filled from a valid `instance` of its model."""
    return _render(form(form_id), instance)


def blank(form_ids: Iterable[str], out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write blank fillable forms named `<form-id>.<kind>` into `out_dir`."""
    written = []
    for form_id in form_ids:
        target = out_dir / form(form_id).file_name
        write_atomic(target, render_blank(form_id))
        written.append(target)
    return written


def fill(
    form_id: str,
    data: BaseModel | Path | Any,
    out_dir: Path = DEFAULT_OUT,
    *,
    pdf: bool = False,
    strict: bool = False,
) -> list[Path]:
    """Write the form filled from `data` into `out_dir`, and its PDF when `pdf` is set.

    One document is named `<form-id>.<kind>`; where packet data makes several (one report
    per provider), they are numbered `<form-id>-01.<kind>`, …. Invalid data raises
    `InvalidDataError` before anything is written.
    """
    found = form(form_id)
    instances = form_data(form_id, data, strict=strict)
    contents = [render_filled(form_id, instance) for instance in instances]
    if len(contents) == 1:
        names = [found.file_name]
    else:
        names = [f"{found.id}-{n:02d}.{found.kind}" for n in range(1, len(contents) + 1)]
    written = []
    for name, content in zip(names, contents, strict=True):
        write_atomic(out_dir / name, content)
        written.append(out_dir / name)
    if pdf:
        written += convert.to_pdf(written, out_dir)
    return written


def demo(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write every blank form, each notice's examples filled, their PDFs, and every packet.

    Blank forms go to `out_dir/blank/`. Each packet's example goes to
    `out_dir/<notice>/<submitter>/`: one document per part, each with its PDF, and the
    packet's print file. Documents no packet holds (the notice as issued, a guide) go to
    `out_dir/<notice>/issue/`. Conversions share warm LibreOffice workers.
    """
    ids = [f.id for f in registry().forms()]
    documents = blank(ids, out_dir / "blank")
    for notice in registry().notices.values():
        jobs: list[tuple[str, str, BaseModel]] = []  # (form id, folder name, document data)
        for kind in notice.packets:
            instance = _valid(kind.id, example_data(kind.id))
            folder_name = safe_name(kind.name_of(instance))
            for part in kind.parts:
                made = packet_documents(kind.id, instance, only=part.form_id)
                jobs += [(part.form_id, folder_name, document) for document in made]
        in_packets = {part.form_id for kind in notice.packets for part in kind.parts if part.derive}
        for item in notice.forms:
            if item.id not in in_packets:
                jobs.append((item.id, "issue", _valid(item.id, example_data(item.id))))
        counts: dict[Path, int] = {}
        for form_id, folder_name, document in jobs:
            folder = out_dir / notice.id / folder_name
            counts[folder / form_id] = counts.get(folder / form_id, 0) + 1
            n = counts[folder / form_id]
            found = form(form_id)
            target = folder / (found.file_name if n == 1 else f"{found.id}-{n:02d}.{found.kind}")
            write_atomic(target, render_filled(form_id, document))
            documents.append(target)
    pdfs: list[Path] = []
    with convert.service():  # warm workers for every conversion of the demo
        for folder in sorted({d.parent for d in documents}):
            pdfs += convert.to_pdf([d for d in documents if d.parent == folder], folder)
        for each in registry().packets():
            with as_file(each.example) as example_path:
                data = example_data(each.id)
                notice_id = registry().notice_of(each.id).id
                issued = all(part.derive is None for part in each.parts)  # the notice as sent out
                name = "issue" if issued else safe_name(each.name_of(_valid(each.id, data)))
                folder = out_dir / notice_id / name
                pdfs.append(packet(each.id, data, folder, base_dir=example_path.parent))
    return documents + pdfs


def packet(
    packet_id: str,
    data: BaseModel | Path | Any,
    out_dir: Path = DEFAULT_OUT,
    *,
    copies: int = 1,
    duplex: bool = False,
    pdfa: bool = False,
    base_dir: Path | None = None,
    extra_attachments: Sequence[tuple[str, Path]] = (),
    pdf_cache: Path | None = None,
    codes: bool | None = None,
) -> Path:
    """Write the packet's print file `<packet-id>.pdf` into `out_dir` and return its path.

    The packet's documents in order, then the submitter's attachments (relative paths are read
    from the data file's folder, else from `base_dir`, else the working folder), numbered
    continuously; `copies` complete copies, each starting on an odd page; with `duplex`, each
    document starts on an odd page too; `pdfa` writes PDF/A-2b. `extra_attachments` (title,
    file) follow the packet's own: the scans a bureau's applicants sent. With `pdf_cache`, a
    folder, documents converted before are not converted again. `codes` puts a page code on
    every page (the submission and the page, read back by `verify`); by default an applicant's
    packet has them and a bureau's or the issuing office's does not. Invalid data or a
    missing attachment raises `InvalidDataError` before anything is written.
    """
    found = registry().packet(packet_id)
    if isinstance(data, Path):
        base_dir = data.parent
    instance = (
        data
        if isinstance(data, BaseModel)
        else _valid(packet_id, load_file(data).data if isinstance(data, Path) else data)
    )
    notice = registry().notice_of(packet_id)
    documents: list[packet_build.Document] = []
    for part in found.parts:
        item = form(part.form_id)
        if part.derive is None:
            title = f"{item.label} {item.title}".strip()
            documents.append(
                packet_build.Document(title, item.kind, render_blank(part.form_id, prompts=False))
            )
            continue
        for document in packet_documents(packet_id, instance, only=part.form_id):
            title = f"{item.label} {item.title}".strip()
            if part.name_of is not None:
                title += f"（{part.name_of(document)}）"
            documents.append(packet_build.Document(title, item.kind, render_filled(part.form_id, document)))
    attachments, missing = _attachments(found, instance, base_dir)
    for index, (title, path) in enumerate(extra_attachments):
        scan = _rebuilt(path, f"extra_attachments[{index}]", title)
        if isinstance(scan, Problem):
            missing.append(scan)
        else:
            attachments.append(packet_build.Attachment(title, scan))
    if missing:
        raise InvalidDataError(packet_id, missing)
    metadata = Metadata(title=found.title, author=found.name_of(instance), subject=notice.doc_number)
    return packet_build.build(
        documents,
        attachments,
        out_dir / f"{packet_id}.pdf",
        metadata=metadata,
        options=Options(copies=copies, duplex=duplex, codes=_applicants(found) if codes is None else codes),
        contents=found.contents,
        pdfa=pdfa,
        cache=pdf_cache,
    )


def _applicants(found: Packet) -> bool:
    """Whether `found` is what an applicant hands in: filled forms, no bureau's contents page."""
    return not found.contents and any(part.derive is not None for part in found.parts)


def verify(submitted: Path, scans: Sequence[Path], out_dir: Path | None = None) -> check_paper.Report:
    """Check a stamped, scanned paper copy (`scans`: PDFs of page pictures, JPEG, PNG, TIFF)
    against the packet `submitted` as it was submitted; return the report, and with `out_dir`
    write verify-report.json, verify-report.html and the marked pages there.

    A scan or a submitted file that cannot be read, or that is refused as untrusted input,
    raises `UnreadableFileError` naming the file and the reason; nothing is written.
    """
    if out_dir is None:
        return _verify(submitted, scans, None)
    # Marked pages are written as the scan is checked: into a folder beside `out_dir`, moved
    # in once the whole scan was read, so a scan refused half way leaves nothing behind.
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}-", dir=out_dir.parent) as staging:
        report = _verify(submitted, scans, Path(staging))
        out_dir.mkdir(exist_ok=True)
        for page in report.pages:
            if page.marked is not None:
                (out_dir / page.marked).parent.mkdir(parents=True, exist_ok=True)
                (Path(staging) / page.marked).replace(out_dir / page.marked)
    paper_report.write(report, out_dir)
    return report


def _verify(submitted: Path, scans: Sequence[Path], marked_dir: Path | None) -> check_paper.Report:
    try:
        return check_paper.verify_pages(submitted, list(scans), marked_dir)
    except untrusted.RefusedFileError as exc:
        raise UnreadableFileError(str(exc)) from None
    except OSError as exc:
        name = Path(exc.filename).name if exc.filename else "?"
        raise UnreadableFileError(f"{name}: 无法打开 / cannot open: {exc.strerror}") from None


def _attachments(
    found: Packet, instance: BaseModel, base_dir: Path | None
) -> tuple[list[packet_build.Attachment], list[Problem]]:
    """The packet's attachments rebuilt (`rebuild.rebuild_scan`), relative paths read from
    `base_dir`; and the problems of those missing or refused."""
    attachments: list[packet_build.Attachment] = []
    missing: list[Problem] = []
    for index, attachment in enumerate(found.attachments_of(instance) if found.attachments_of else ()):
        path = Path(attachment.file).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        where = (f"attachments[{index}].file", f"证明材料 › 第{index + 1}项（{attachment.title}）")
        if not path.is_file():
            missing.append(
                Problem(
                    "error",
                    *where,
                    f"找不到附件文件 {path}（相对路径从数据文件所在文件夹读取）",
                    f"attachment file not found: {path} (relative paths are read from the data file's folder)",
                )
            )
            continue
        scan = _rebuilt(path, *where)
        if isinstance(scan, Problem):
            missing.append(scan)
        else:
            attachments.append(packet_build.Attachment(attachment.title, scan))
    return attachments, missing


def _rebuilt(path: Path, field_path: str, label: str) -> rebuild.Rebuilt | Problem:
    """The scan at `path` rebuilt, or the problem saying why it cannot be (at `field_path`)."""
    try:
        return rebuild.rebuild_scan(untrusted.read_file(path), path.name)
    except untrusted.RefusedFileError as exc:
        return Problem("error", field_path, label, exc.zh, exc.en)
    except OSError as exc:
        return Problem(
            "error", field_path, label, f"无法读取 {path}（{exc.strerror}）", f"cannot read {path}: {exc}"
        )


def _valid(item_id: str, data: Any) -> BaseModel:
    checked = check(item_id, data)
    if not checked.ok or checked.instance is None:
        raise InvalidDataError(item_id, checked.problems)
    return checked.instance


def draft(
    files: Sequence[Path], out_dir: Path = DEFAULT_OUT, *, notice_id: str | None = None
) -> package_writer.DraftedNotice:
    """Draft a notice package from published forms (.docx, .doc, .wps, .xlsx, …) into `out_dir`.

    Every file is drafted in memory first; a refused one (hostile, encrypted, macro-enabled, of
    another kind, or with nothing to fill) raises before anything is written. Into a folder
    that holds a package, the draft keeps the author's reviewed fields, notice and packets
    (`drafting.redraft`); a folder holding anything else, or a package whose YAML does not
    parse, is refused (`PackageError`) and left as it was.
    """
    previous = redraft.read_previous(out_dir)
    notice = notice_draft.draft_notice(files, notice_id, previous)
    package_writer.write(notice, out_dir, previous)
    return notice


def draft_contents(
    files: Sequence[Path], *, notice_id: str | None = None, adjust: Adjust | None = None
) -> dict[str, bytes]:
    """A notice package drafted from published forms, in memory: every file by its path in the
    package. `adjust` applies an author's review (`formgen.drafting.review.adjuster`)."""
    return package_writer.contents(notice_draft.draft_notice(files, notice_id, adjust=adjust))


def published_form(path: Path) -> tuple[str, bytes]:
    """A published form as drafting reads it: its name as a .docx or .xlsx and its bytes (a
    .doc, .wps, .xls or .et converted by LibreOffice), checked as untrusted input.

    Raises `untrusted.RefusedFileError` or `UnreadableFileError` with the reason."""
    opened = inputs.open_form(path)
    return f"{path.stem}.{opened.kind}", opened.content
