"""The stamped paper copy an applicant sends beside its files, checked in a bureau's intake.

An applicant's stamped, scanned packet is told from its other scans (licences, certificates,
which become attachments) by its name: a file whose name holds ``盖章`` (``申报材料盖章扫描件.pdf``,
``盖章件-01.jpg``), or any file in a sub-folder named ``盖章`` or ``scan``. It is checked
(`formgen.verify`) against the applicant's own packet as formgen makes it again from the files
the intake read: the applicant's form as read, its other scans as attachments, made without
page codes, since the bureau cannot know the code the applicant's copy carries. An
enterprise's packet is made from its row of the table and the 附件4 materials sent beside it,
which the intake reads for this though it does not bind them. Its scanned
pages are placed by their codes' page numbers, or by their text.

What the paper does not agree with becomes one problem of the applicant per page, and the
applicant is returned (退回修改): both notices require paper and electronic files to agree.
The full verification (``verify-report.json``, ``.html``, marked pages) is written under
``paper/<applicant>/`` beside the intake report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel

from formgen import api
from formgen.data.naming import safe_name
from formgen.model.fields import AttachmentFile, field_type, list_item
from formgen.model.registry import Packet
from formgen.paper import check as paper_check

MARK = "盖章"
FOLDERS = ("盖章", "scan")
"""Sub-folders of an applicant's folder whose files are its stamped paper copy."""
FOLDER = "paper"
"""Where, below the intake's output folder, each applicant's verification is written."""


def is_paper_copy(path: Path, root: Path) -> bool:
    """Whether `path`, one of an applicant's files below `root`, is its stamped paper copy."""
    if MARK in path.name:
        return True
    try:
        parents = PurePath(path).relative_to(root).parts[:-1]
    except ValueError:
        return False
    return any(part in FOLDERS for part in parents)


def applicant_packet(read: dict[str, list[dict[str, Any]]]) -> tuple[Packet, dict[str, Any]] | None:
    """The packet an applicant hands in, and its data (attachments aside), made from the forms
    `read` (data read, by form id): a packet of the same notice each of whose fields but its
    attachments one form read fills.

    A provider's packet is its 申请报告 alone; an enterprise's is its row of the table
    (附件5) and the materials of 附件4, which the table's intake reads beside it."""
    if not read:
        return None
    notice = api.registry().notice_of(next(iter(read)))
    for packet in notice.packets:
        if packet.contents:
            continue
        data: dict[str, Any] = {}
        for name, info in packet.model.model_fields.items():
            kind = field_type(info)[0]
            if list_item(kind) is AttachmentFile:
                continue
            value = _filling(kind, read)
            if value is None:
                break
            data[name] = value
        else:
            if data:
                return packet, data
    return None


def _filling(kind: Any, read: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The data of a packet's field of model `kind` among the forms `read`: a form of that model
    (or of one adding to it, as 附件4's materials name the enterprise), or a table form's one row."""
    if not isinstance(kind, type) or not issubclass(kind, BaseModel):
        return None
    for form_id, items in read.items():
        form = api.registry().form(form_id)
        if len(items) != 1:
            continue
        (data,) = items
        if form.model is kind:
            return data
        if issubclass(form.model, kind):
            return {key: value for key, value in data.items() if key in kind.model_fields}
        for rows, info in form.model.model_fields.items():
            if form.kind == "xlsx" and list_item(field_type(info)[0]) is kind:
                found = data.get(rows)
                if isinstance(found, list) and len(found) == 1 and isinstance(found[0], dict):
                    return dict(found[0])
    return None


def verify(
    name: str,
    read: dict[str, list[dict[str, Any]]],
    attachments: list[tuple[str, str]],
    scans: list[Path],
    out_dir: Path,
) -> dict[str, Any]:
    """Check an applicant's paper copy `scans` against its packet made from the forms `read`
    (data by form id, as read) and `attachments` ((title, path) of its other scans).

    Returns what the intake report keeps: ``agrees``, the report's folder below `out_dir`,
    and each page with findings (page, scan, findings, differences). Raises
    `api.InvalidDataError` when the packet cannot be made from the data, and
    `api.UnreadableFileError` when a scan cannot be read or is refused.
    """
    found = applicant_packet(read)
    assert found is not None, "verify is called for forms that make an applicant's packet"
    packet, packet_data = found
    if "attachments" in packet.model.model_fields:
        packet_data["attachments"] = [{"title": t, "file": f} for t, f in attachments]
    folder = out_dir / FOLDER / safe_name(name)
    with tempfile.TemporaryDirectory(prefix="formgen-paper-") as work:
        submitted = api.packet(packet.id, packet_data, Path(work), codes=False)
        report = api.verify(submitted, scans, folder)
    return {
        "agrees": report.agrees,
        "report": f"{FOLDER}/{folder.name}",
        "pages": [
            {
                "page": page.page,
                "scan": page.scan,
                "findings": page.findings,
                "differences": [(d.submitted, d.scanned) for d in page.differences],
            }
            for page in report.pages
            if not page.agrees
        ],
    }


def problems(paper: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Each page the paper disagrees on as (file, label, message in Chinese, in English)."""
    found = []
    for page in paper["pages"]:
        where = f"第{page['page']}页" if page["page"] is not None else ""
        zh = "、".join(paper_check.LABELS[f] for f in page["findings"])
        en = ", ".join(page["findings"])
        if page["differences"]:
            zh += "：" + "；".join(f"“{a}”→“{b}”" for a, b in page["differences"])
            en += ": " + "; ".join(f"{a!r} → {b!r}" for a, b in page["differences"])
        found.append(
            (
                page["scan"] or "",
                where,
                f"纸质件与电子件不一致（{zh}），详见 {paper['report']}/verify-report.html",
                f"the paper copy does not agree with the files ({en}); see {paper['report']}/verify-report.html",
            )
        )
    return found
