"""Placing every scanned page on the submitted packet and deciding whether the paper agrees.

Each scanned page is read for its code (`codes`), turned upright by it (or, when the code is
lost or the packet has none, by its text lines' slope and by trying it upside down, or a
quarter turn either way when its lines run up the page), read by OCR with seal ink taken out
(`seals.without_ink`), and placed: by its code when it names this submission, else by its
text (the submitted page sharing most of its characters). Then its text is held against that
page (`compare`) and its seals looked for (`seals`). Over the whole scan, pages never placed
are missing, pages placed twice or nowhere are extra, and pages off the longest run in
submission order are out of order.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from formgen.paper import codes, compare, marking, ocr, print_check, seals
from formgen.paper.scans import ScannedPage, open_scans
from formgen.pdf import page_codes, page_reading

PLACE_BY_TEXT = 0.6
"""The share of characters a scan must have in common with a submitted page to be placed on
it by text alone (another page of the same packet shares about a third)."""
SKEW_LIMIT = 0.4
"""Degrees of skew, measured from the text lines, above which a page without a code is
turned straight and read again."""
SUBMITTED_DPI = 100
COVERED_NEEDED = 0.6
"""The share of a placed page's own characters the scan's lines of text must lie over for the
page to be shown to agree. Only what is read is compared, so text blanked out, pasted over or
too faint to read would otherwise pass as matched; a clean scan covers 0.9 or more."""

MATCHED = "matched"
MISSING = "missing"
EXTRA = "extra"
OUT_OF_ORDER = "out-of-order"
OTHER_SUBMISSION = "other-submission"
DIFFERS = "content-differs"
SEAL_MISSING = "seal-missing"
UNREAD = "text-unread"
LABELS = {
    MATCHED: "一致",
    MISSING: "扫描件缺页",
    EXTRA: "多出的页",
    OUT_OF_ORDER: "顺序错误",
    OTHER_SUBMISSION: "属于另一份申报",
    DIFFERS: "内容不一致",
    SEAL_MISSING: "缺少印章",
    UNREAD: "部分内容未能识别",
}
"""What a bureau reads for each finding."""


@dataclass
class PageReport:
    """What was found for one scanned page, or for a submitted page the scan lacks."""

    scan: str | None
    page: int | None
    """The submitted page (1-based) it was placed on."""
    findings: list[str] = field(default_factory=list)
    placed_by: str | None = None
    """"code" or "text"."""
    code: str | None = None
    """The page code read from the scan."""
    differences: list[compare.Difference] = field(default_factory=list)
    seals: list[tuple[str, bool | None]] = field(default_factory=list)
    """Each seal place's label and whether a seal was found there (None: a grey scan)."""
    similarity: float = 0.0
    covered: float = 0.0
    marked: str | None = None
    """The marked page's path inside the report's folder (`marking`), when one was written."""
    seal_windows: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Where on the marked page a seal was looked for and not found."""

    @property
    def agrees(self) -> bool:
        return self.findings == [MATCHED]


@dataclass
class Report:
    """The verification of a scanned paper copy against a submitted packet."""

    submitted: str
    submission: str | None
    """The submitted packet's own code (None when it was made without page codes)."""
    pages: list[PageReport]
    submitted_pages: int

    @property
    def agrees(self) -> bool:
        return all(page.agrees for page in self.pages)


@dataclass
class _Read:
    upright: Image.Image
    lines: tuple[ocr.Line, ...]
    found: codes.Found | None
    across: bool = False
    """Whether `upright` is a sideways page already turned back to read across its lines
    (placed by its text, it was read that way), not the page as bound."""


def _upright(image: Image.Image, turn: float) -> Image.Image:
    if abs(turn) < 0.05:
        return image
    fill = 255 if image.mode == "L" else (255, 255, 255)
    return image.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def _read(page: ScannedPage, submitted: list[page_reading.PageText]) -> _Read:
    """The scanned page turned upright and its text lines."""
    image = page.image if page.image.mode in ("L", "RGB") else page.image.convert("RGB")
    found = codes.read(image)
    if found is not None:
        upright = _upright(image, found.turn)
        return _Read(upright, ocr.read(seals.without_ink(upright)), found)
    # No code: straighten by the text lines' slope, and try it upside down when its text
    # matches no submitted page well. A sideways page (a landscape table bound turned) is read
    # across its lines, a quarter turn either way: OCR reads the lines of such a page, running
    # up it, as well turned back either way (it turns every tall line to read it), so the page
    # would be placed by its text as bound, or upside down, and turned back the wrong way
    # from there, its table then read upside down.
    readings: list[_Read] = []
    for turn in (0.0, 180.0):
        reading = _read_turned(image, turn)
        readings.append(reading)
        if _runs_up(reading.lines):
            for quarter in (-90.0, 90.0):  # bound top to the left (`PageText.turned`), or scanned upside down
                readings.append(_read_turned(image, quarter))
                if _best_similarity(readings[-1].lines, submitted) >= PLACE_BY_TEXT:
                    return readings[-1]
            break
        if _best_similarity(reading.lines, submitted) >= PLACE_BY_TEXT:
            return reading
    return max(readings, key=lambda reading: _best_similarity(reading.lines, submitted))


def _read_turned(image: Image.Image, turn: float) -> _Read:
    """`image` turned by `turn` degrees (counter-clockwise), straightened by its lines' slope
    when they slope more than `SKEW_LIMIT`, and its text lines."""
    upright = _upright(image, turn)
    lines = ocr.read(seals.without_ink(upright))
    slope = compare.skew(lines)
    if abs(slope) > SKEW_LIMIT:
        upright = _upright(upright, -slope)
        lines = ocr.read(seals.without_ink(upright))
    return _Read(upright, lines, None, across=abs(turn) == 90)


def _runs_up(lines: tuple[ocr.Line, ...]) -> bool:
    """Whether most of the text OCR found runs up or down the picture, in lines far taller than
    wide: a sideways page read as bound, or upside down."""
    up = across = 0
    for line in lines:
        width, height = line.box[2] - line.box[0], line.box[3] - line.box[1]
        if height > 1.5 * width:
            up += len(line.text)
        elif width > 1.5 * height:
            across += len(line.text)
    return up > across


def _best_similarity(lines: tuple[ocr.Line, ...], submitted: list[page_reading.PageText]) -> float:
    return max((compare.similarity(page, lines) for page in submitted), default=0.0)


def _submission(pdf: Path) -> str | None:
    """The submitted packet's code, read from its first page as printed."""
    (first,) = page_reading.render(pdf, SUBMITTED_DPI, first=1, last=1, gray=True)
    found = codes.read(first)
    return found.code.submission if found is not None else None


def _names_a_page(code: page_codes.PageCode, submission: str | None, count: int) -> bool:
    """Whether `code` places a scanned page on the submitted packet of `count` pages.

    A code naming this submission does. So does one of the right page count when the packet
    held against the scan was made without codes (a bureau making an applicant's packet again
    from the files it received cannot know the applicant's code): its pages are compared all
    the same, so paper from another version shows as content that differs.
    """
    if submission is None:
        return code.pages == count
    return code.submission == submission and code.page <= count


def _to_scan(to_page: np.ndarray) -> np.ndarray:
    linear, shift = to_page[:, :2], to_page[:, 2]
    inverse = np.linalg.inv(linear)
    return np.hstack([inverse, (-inverse @ shift)[:, None]])


def verify_pages(submitted_pdf: Path, scans: list[Path], marked_dir: Path | None = None) -> Report:
    """Check the scanned pages in `scans` against the packet `submitted_pdf`; with
    `marked_dir`, write there the marked page of each scanned page that does not agree.

    The scan streams: each page is decoded, checked, its marked page written and its
    pictures let go before the next is read, so memory stays that of one page however long
    the scan. A page's marked picture is written as it is made (whether it agrees depends on
    the pages after it: one out of order) and removed at the end if it agrees.
    """
    submitted = page_reading.page_texts(submitted_pdf)
    submission = _submission(submitted_pdf)
    reports: list[PageReport] = []
    for scanned in open_scans(scans):
        read = _read(scanned, submitted)
        report = PageReport(scan=scanned.name, page=None)
        del scanned  # the page as decoded: only its upright picture is needed from here
        if read.found is not None:
            report.code = read.found.code.text
        index: int | None = None
        if read.found is not None and _names_a_page(read.found.code, submission, len(submitted)):
            index, report.placed_by = read.found.code.page - 1, "code"
        if index is None:
            scores = [compare.similarity(page, read.lines) for page in submitted]
            best = max(range(len(scores)), key=scores.__getitem__) if scores else None
            if best is not None and scores[best] >= PLACE_BY_TEXT:
                index, report.placed_by = best, "text"
        if read.found is not None and submission is not None and read.found.code.submission != submission:
            report.findings.append(OTHER_SUBMISSION)
        if index is None:
            if OTHER_SUBMISSION not in report.findings:
                report.findings.append(EXTRA)
            reports.append(report)
            continue
        report.page = index + 1
        page, upright, lines = submitted[index], read.upright, read.lines
        if page.sideways:  # a landscape page bound turned: read it turned back, across its lines
            page = page.turned()
            if not read.across:
                upright = upright.rotate(-90, expand=True)
                lines = ocr.read(seals.without_ink(upright))
        elif read.across:  # read turned, yet placed on a page bound upright: read it as bound
            upright = upright.rotate(90, expand=True)
            lines = ocr.read(seals.without_ink(upright))
        result = compare.compare(page, lines, upright.size)
        report.differences, report.similarity, report.covered = (
            result.differences,
            result.similarity,
            result.covered,
        )
        assert result.to_page is not None
        to_scan = _to_scan(result.to_page)
        dpi = 72 * math.sqrt(abs(float(np.linalg.det(to_scan[:, :2]))))
        if result.differences:
            report.differences = _in_print(
                submitted_pdf, index + 1, upright, to_scan, dpi, result, sideways=submitted[index].sideways
            )
        if report.differences:
            report.findings.append(DIFFERS)
        if result.covered < COVERED_NEEDED:
            report.findings.append(UNREAD)
        mask = seals.red_mask(upright)
        colour = upright.mode == "RGB"
        for place in seals.places(page):
            box = seals.window(place, to_scan)
            present = seals.sealed(box, mask, dpi) if colour else None
            report.seals.append((place.label, present))
            if present is False:
                report.seal_windows.append(box)
                if SEAL_MISSING not in report.findings:
                    report.findings.append(SEAL_MISSING)
        if marked_dir is not None:
            boxes = [difference.box for difference in report.differences]
            report.marked = marking.write(marked_dir, report.scan or "", upright, boxes, report.seal_windows)
        reports.append(report)
    _order(reports)
    placed = {r.page for r in reports if r.page is not None}
    for number in range(1, len(submitted) + 1):
        if number not in placed:
            reports.append(PageReport(scan=None, page=number, findings=[MISSING]))
    for report in reports:
        if not report.findings:
            report.findings.append(MATCHED)
        if report.agrees and report.marked is not None:
            assert marked_dir is not None
            (marked_dir / report.marked).unlink()
            report.marked = None
    return Report(submitted_pdf.name, submission, reports, len(submitted))


def _in_print(
    pdf: Path,
    number: int,
    upright: Image.Image,
    to_scan: np.ndarray,
    dpi: float,
    result: compare.Comparison,
    *,
    sideways: bool = False,
) -> list[compare.Difference]:
    """The differences OCR suspects that the print bears out: the submitted page `number` is
    rendered at the scan's resolution and each suspected place held against it
    (`print_check`); a misread leaves no ink of its own and is dropped."""
    # The page is judged at the resolution it is rendered at: points are placed on it by that.
    dpi = round(dpi)
    (reference,) = page_reading.render(pdf, dpi, first=number, last=number, gray=True)
    if sideways:  # read turned back, as the scan was
        reference = reference.rotate(-90, expand=True)
    scan = print_check.print_only(upright)
    return [
        difference
        for difference in result.differences
        if print_check.differs(
            reference,
            scan,
            to_scan,
            difference.region,
            dpi,
            difference.glyphs,
            (difference.submitted, difference.scanned),
        )
        is not None
    ]


def _order(reports: list[PageReport]) -> None:
    """Mark a second scan of a page extra, and pages off the longest run in order out of order."""
    seen: set[int] = set()
    sequence: list[tuple[int, PageReport]] = []
    for report in reports:
        if report.page is None or OTHER_SUBMISSION in report.findings:
            continue
        if report.page in seen:
            report.findings.append(EXTRA)
            continue
        seen.add(report.page)
        sequence.append((report.page, report))
    for position in set(range(len(sequence))) - set(_longest_increasing([p for p, _ in sequence])):
        sequence[position][1].findings.append(OUT_OF_ORDER)


def _longest_increasing(values: list[int]) -> list[int]:
    """The positions of a longest strictly increasing subsequence of `values` (patience sort)."""
    tails: list[int] = []
    tail_at: list[int] = []
    before = [-1] * len(values)
    for position, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot:
            before[position] = tail_at[slot - 1]
        if slot == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[slot] = value
            tail_at[slot] = position
    chain: list[int] = []
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        chain.append(position)
        position = before[position]
    return chain[::-1]
