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
from collections.abc import Sequence
from pathlib import Path

from formgen.data import untrusted
from formgen.drafting import docx_draft, inputs, xlsx_draft
from formgen.drafting.package_writer import DraftedForm, DraftedNotice
from formgen.drafting.report import FormReport

NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class NoticeIdError(ValueError):
    """A notice id the package format does not take."""


def draft_notice(paths: Sequence[Path], notice_id: str | None = None) -> DraftedNotice:
    """Draft every file of `paths` into one notice, in memory; refuse the first bad one.

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
        if opened.kind == "docx":
            drafted_docx = docx_draft.draft(opened.content, opened.name)
            found, template, table = drafted_docx.found, drafted_docx.template, None
            if not found.places:
                raise untrusted.RefusedFileError(
                    opened.name,
                    "文档中没有找到可填写之处（没有表格空格、下划线、□或空白）",
                    "no place to fill in the document (no empty cell, underline, □ or gap)",
                )
        else:
            drafted_xlsx = xlsx_draft.draft(opened.content, opened.name)
            found, template, table = drafted_xlsx.found, drafted_xlsx.template, drafted_xlsx.table
        name = _name(found.label, index, [f.name for f in forms])
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
    chosen = notice_id or f"draft-{digest.hexdigest()[:8]}"
    for form in forms:
        form.report.form_id = f"{chosen}.{form.name}"
    return DraftedNotice(chosen, forms[0].title if forms else chosen, dt.datetime.now(dt.UTC).date(), forms)


def _name(label: str, index: int, taken: list[str]) -> str:
    match = re.search(r"\d+", label)
    name = f"annex{match.group(0)}" if match else f"form{index}"
    while name in taken:
        name += "b"
    return name
