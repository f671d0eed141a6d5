"""An example intake for every bureau packet: the files applicants send, then `collect`.

Made from the bureau packet's own example data, so it follows the notices as they change:
each applicant's form filled as Word stores it (a table form as Excel does), one of them
opened and saved again by LibreOffice, scans beside the first, and one applicant with a
problem (a required field left empty) that the report names. The bureau's side spreadsheet
is written as the bureau would complete it. ``make demo`` writes, per notice,
``intake/applicants/`` (what was sent) and ``intake/bureau/`` (what `collect` made).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from formgen import api
from formgen.data import paths
from formgen.data.naming import safe_name
from formgen.document.controls import word_fill
from formgen.model.registry import Packet
from formgen.pdf.convert import convert_cold
from formgen.workflows import intake, supplement


def bureau_packets() -> list[Packet]:
    """The packets a bureau binds from its applicants' forms."""
    return [p for p in api.registry().packets() if intake.slots(p)]


def write_applicants(packet: Packet, folder: Path) -> dict[str, dict[str, Any]]:
    """Write the example applicants' files and ``bureau.yaml`` into `folder`.

    Returns the side values the bureau types, by applicant, for `supplement.write`.
    """
    example = api.example_data(packet.id)
    places = intake.slots(packet)
    side_fields = intake.side_fields(places)
    own = {k: v for k, v in example.items() if k not in {p.field for p in places}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / intake.BUREAU_FILE).write_text(_yaml(own), encoding="utf-8")
    side: dict[str, dict[str, Any]] = {}
    word_files: list[Path] = []
    number = 0
    for place in places:
        for item in example.get(place.field, []):
            number += 1
            name = f"{number:02d}-{safe_name(intake.unit_of(item) or 'applicant')}"
            target = folder / name / f"{place.form.label or place.form.id}.{place.form.kind}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if place.form.kind == "docx":
                target.write_bytes(word_fill(api.render_blank(place.form.id), item))
                word_files.append(target)
            else:
                rows = place.rows or "rows"
                (instance,) = api.form_data(place.form.id, {rows: [item]})
                target.write_bytes(api.render_filled(place.form.id, instance))
            side[name] = {
                key: value
                for key, _, _ in side_fields
                if key.startswith(f"{place.form.id}:")
                and (value := paths.value_at(item, key.split(":", 1)[1])) is not None
            }
    if len(word_files) >= 2:  # one applicant used LibreOffice: tags lost, read back all the same
        _resave(word_files[1])
    if word_files:  # and one left a required field empty
        _leave_empty(word_files[-1], example, places)
        _scans_for(packet, word_files[0].parent)
    return side


def _yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False))


def _resave(path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="formgen-resave-") as work:
        (made,) = convert_cold([path], Path(work), to=path.suffix.lstrip("."))
        shutil.move(str(made), str(path))


def _leave_empty(path: Path, example: dict[str, Any], places: list[intake.Slot]) -> None:
    """Fill `path` again with its first field left out: the applicant forgot it."""
    place = next(p for p in places if p.form.kind == "docx")
    item = example[place.field][-1]
    form = place.form
    first = next(iter(item))
    path.write_bytes(word_fill(api.render_blank(form.id), {k: v for k, v in item.items() if k != first}))


def _scans_for(packet: Packet, folder: Path) -> None:
    """Copy the scans of an applicant's own packet example of the same notice into `folder`."""
    notice = api.registry().notice_of(packet.id)
    for other in notice.packets:
        if other.attachments_of is None or other.id == packet.id:
            continue
        with tempfile.TemporaryDirectory(prefix="formgen-scans-") as work:
            for written in api.write_example(other.id, Path(work)):
                if written.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"):
                    shutil.copy(written, folder / written.name)
        return


def demo(out_dir: Path = api.DEFAULT_OUT) -> list[intake.Intake]:
    """The example intake of every bureau packet, into ``<out>/<notice>/intake/``."""
    results = []
    for packet in bureau_packets():
        root = out_dir / api.registry().notice_of(packet.id).id / "intake"
        shutil.rmtree(root, ignore_errors=True)
        side = write_applicants(packet, root / "applicants")
        places = intake.slots(packet)
        supplement.write(root / "bureau", intake.side_fields(places), side)
        results.append(intake.collect(packet.id, root / "applicants", root / "bureau"))
    return results
