"""The stamped paper copy an applicant sends beside its files, checked in a bureau's intake.

An applicant's stamped, scanned packet is told from its other scans (licences, certificates,
which become attachments) by its name: a file whose name holds ``盖章`` (``申报材料盖章扫描件.pdf``,
``盖章件-01.jpg``), or any file in a sub-folder named ``盖章`` or ``scan``. It is checked
(`formgen.verify`) against the applicant's own packet as formgen makes it again from the files
the intake read: the applicant's form as read, its other scans as attachments, made without
page codes, since the bureau cannot know the code the applicant's copy carries. Its scanned
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

from formgen import api
from formgen.data.naming import safe_name
from formgen.model.fields import AttachmentFile, field_type, list_item
from formgen.model.registry import Form, Packet
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


def applicant_packet(form: Form) -> tuple[Packet, str] | None:
    """The packet an applicant who fills `form` hands in, and the field its form's data fills:
    a packet of the same notice holding that form's data and, at most, its attachments."""
    notice = api.registry().notice_of(form.id)
    for packet in notice.packets:
        if packet.contents:
            continue
        fields = packet.model.model_fields
        own = [name for name, info in fields.items() if field_type(info)[0] is form.model]
        rest = [
            name
            for name in fields
            if name not in own and list_item(field_type(fields[name])[0]) is not AttachmentFile
        ]
        if len(own) == 1 and not rest:
            return packet, own[0]
    return None


def verify(
    name: str,
    form: Form,
    data: dict[str, Any],
    attachments: list[tuple[str, str]],
    scans: list[Path],
    out_dir: Path,
) -> dict[str, Any]:
    """Check an applicant's paper copy `scans` against its packet made from `data` (its form
    `form` as read) and `attachments` ((title, path) of its other scans).

    Returns what the intake report keeps: ``agrees``, the report's folder below `out_dir`,
    and each page with findings (page, scan, findings, differences). Raises
    `api.InvalidDataError` when the packet cannot be made from the data, and
    `api.UnreadableFileError` when a scan cannot be read or is refused.
    """
    found = applicant_packet(form)
    assert found is not None, "verify is called for a form that makes an applicant's packet"
    packet, field = found
    packet_data = {field: data, "attachments": [{"title": t, "file": f} for t, f in attachments]}
    if "attachments" not in packet.model.model_fields:
        del packet_data["attachments"]
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
