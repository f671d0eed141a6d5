"""A notice drafted from the files a bureau publishes: each file read, drafted, named and reported.

Forms are named for the annex they print (附件2 → ``annex2``), else by their order; the
notice id is the one given or one made from the files' contents, so the same files give the
same package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from formgen.data import untrusted
from formgen.drafting import docx_draft, inputs, package_writer, redraft, xlsx_draft
from formgen.drafting.package_writer import DraftedForm, DraftedNotice
from formgen.drafting.places import Adjust, Found
from formgen.drafting.report import FormReport

NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class NoticeIdError(ValueError):
    """A notice id the package format does not take."""


def draft_notice(
    paths: Sequence[Path],
    notice_id: str | None = None,
    previous: redraft.Previous | None = None,
    adjust: Adjust | None = None,
) -> DraftedNotice:
    """Draft every file of `paths` into one notice, in memory; refuse the first bad one.

    `previous` is the author's package in the output folder: each form drafted from the same
    file (or of the same name) keeps its name and its reviewed fields' paths, and the notice
    its id. `adjust` applies an author's review to each form's places before its template is
    written (`formgen.drafting.review`), so corrected names reach the template's tags.

    Raises `untrusted.RefusedFileError` (a file that is hostile, of another kind, encrypted,
    macro-enabled, or with no place to fill) or `inputs.UnreadableFormError`.
    """
    if notice_id is not None and not NOTICE_ID.match(notice_id):
        raise NoticeIdError(
            f"通知编号只能由小写字母、数字和“-”组成：{notice_id} / a notice id is lower-case letters, digits and '-'"
        )
    digest = hashlib.sha256()
    forms: list[DraftedForm] = []
    for index, path in enumerate(paths, start=1):
        opened = inputs.open_form(path)
        started = time.perf_counter()
        sha = hashlib.sha256(opened.content).hexdigest()
        digest.update(sha.encode())
        taken = [f.name for f in forms]
        if opened.kind == "docx":
            settle = _settler(previous, path.name, index, taken)
            drafted_docx = docx_draft.draft(opened.content, opened.name, settle, adjust)
            found, template, table = drafted_docx.found, drafted_docx.template, None
            if not found.places:
                raise untrusted.RefusedFileError(
                    opened.name,
                    "文档中没有找到可填写之处（没有表格空格、下划线、□或空白）",
                    "no place to fill in the document (no empty cell, underline, □ or gap)",
                )
        else:
            drafted_xlsx = xlsx_draft.draft(opened.content, opened.name, adjust)
            found, template, table = drafted_xlsx.found, drafted_xlsx.template, drafted_xlsx.table
        name = _name(found.label, index, taken)
        hit = previous.form_for(path.name, name) if previous is not None else None
        if hit is not None and hit[0] not in taken:
            name = hit[0]
        title = found.title or path.stem
        seconds = time.perf_counter() - started
        form_report = FormReport(name, path.name, title, opened.kind, found, seconds, list(opened.notes))
        forms.append(
            DraftedForm(
                name,
                opened.kind,
                found.label,
                title,
                path.name,
                sha,
                found.places,
                template,
                form_report,
                table,
            )
        )
    kept_id = previous.specs.notice.id if previous is not None else None
    chosen = notice_id or kept_id or f"draft-{digest.hexdigest()[:8]}"
    for form in forms:
        form.report.form_id = f"{chosen}.{form.name}"
    return DraftedNotice(chosen, forms[0].title if forms else chosen, dt.datetime.now(dt.UTC).date(), forms)


def _settler(
    previous: redraft.Previous | None, source: str, index: int, taken: list[str]
) -> Callable[[Found], None] | None:
    """The hook that gives a Word form's places the author's paths before their tags go in."""
    if previous is None:
        return None

    def settle(found: Found) -> None:
        hit = previous.form_for(source, _name(found.label, index, taken))
        if hit is not None:
            redraft.settle(found.places, hit[1], package_writer.field_entry)

    return settle


def _name(label: str, index: int, taken: list[str]) -> str:
    match = re.search(r"\d+", label)
    name = f"annex{match.group(0)}" if match else f"form{index}"
    while name in taken:
        name += "b"
    return name
