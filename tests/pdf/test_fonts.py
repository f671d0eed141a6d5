"""The 公文 faces in every PDF, as pdffonts and a reader see them: each role in its face, no box.

formgen's fontconfig maps 仿宋_GB2312 to FandolFang, 楷体_GB2312 to FandolKai, 方正小标宋简体 to
Noto Serif CJK SC Bold, 黑体 to Noto Sans CJK SC and 宋体 to Noto Serif CJK SC. (Noto's
collections embed under their shared outline font's name, ``NotoSerifCJKjp``; the SC face
chooses the Simplified glyphs.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from formgen.document import docx_layout
from formgen.pdf import convert
from tests import pdf_reading, pictures, reading
from tests.documents import Made

FANG = "FandolFang-Regular"
KAI = "FandolKai-Regular"
TITLE = "NotoSerifCJKjp-Bold"
HEI = "NotoSansCJKjp-Regular"
SONG = "NotoSerifCJKjp-Regular"
UKAI = "UKaiCN"

RARE = "喆堃玥祎昇珺赟"
"""Name characters outside GB2312, which the Fandol faces lack."""


def faces(drawn: list[tuple[str, str]], text: str) -> set[str]:
    """The faces (subset and writing-direction suffix removed) drawing the pieces holding `text`."""
    return {font.removesuffix("-VKana") for font, piece in drawn if text in piece}


def test_each_role_of_the_notice_prints_in_its_face(chongqing_docs: dict[str, Made]) -> None:
    pdf = chongqing_docs["chongqing-2023-1.notice"].blank_pdf
    first = pdf_reading.text_fonts(pdf, 1)
    assert faces(first, "关于申报市级重点绿色制造") == {TITLE}, "title: 2号 小标宋"
    assert faces(first, "为进一步推动智能化") == {FANG}, "body: 3号 仿宋"
    assert faces(first, "一、平台任务内容") == {HEI}, "level-1 heading: 黑体"
    assert faces(first, "— ") == {SONG}, "page number: 4号 宋体"
    later = [drawn for page in (2, 3) for drawn in pdf_reading.text_fonts(pdf, page)]
    assert faces(later, "（一）智慧能源优化管控服务。") == {KAI}, "level-2 lead: 楷体"


def test_every_pdf_embeds_the_gongwen_faces(
    chongqing_docs: dict[str, Made], sichuan_texts: dict[str, Made], annex3_filled: tuple[Path, Path]
) -> None:
    """Every document PDF of the suite, blank and filled: the five faces, every font embedded."""
    made = [*chongqing_docs.values(), *sichuan_texts.values()]
    for pdf in [annex3_filled[1], *(m.blank_pdf for m in made), *(m.filled_pdf for m in made)]:
        report = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        rows = [row.split() for row in report.splitlines()[2:]]
        embedded = {row[0].split("+")[-1].removesuffix("-VKana") for row in rows if row[-5] == "yes"}
        assert {FANG, KAI, TITLE, HEI, SONG} <= embedded, (pdf.name, report)
        assert all(row[-5] == "yes" for row in rows), (pdf.name, report)


ROLES = {"FormTitle": 1, "FormBody": 2, "FormHeading1": 3, "FormHeading2": 4}
"""The page of `rare_pdf` each paragraph style prints on."""


@pytest.fixture(scope="module")
def rare_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page a role, each holding the rare characters between common ones."""
    folder = tmp_path_factory.mktemp("rare")
    document = docx_layout.new_document()
    for style in ROLES:
        docx_layout.para(document, f"联系人王{RARE}同志", style)
        document.add_page_break()
    docx_layout.save(document, folder / "rare.docx", title="rare")
    (pdf,) = convert.to_pdf([folder / "rare.docx"], folder)
    return pdf


@pytest.mark.parametrize(
    ("style", "face", "fallback"),
    [
        ("FormTitle", TITLE, TITLE),
        ("FormBody", FANG, SONG),
        ("FormHeading1", HEI, HEI),
        ("FormHeading2", KAI, UKAI),
    ],
)
def test_a_character_the_face_lacks_prints_in_a_face_of_the_same_role(
    rare_pdf: Path, style: str, face: str, fallback: str
) -> None:
    """仿宋 falls back to the serif Noto Serif CJK SC, 楷体 to the Kai face AR PL UKai, glyph by glyph.

    Read in the page's physical order: the fallback glyphs are drawn after the line's others.
    """
    page = ROLES[style]
    assert f"联系人王{RARE}同志" in reading.squeeze(reading.pdftotext_page(rare_pdf, page, "-layout"))
    drawn = pdf_reading.text_fonts(rare_pdf, page)
    assert faces(drawn, "联系人王") == {face}
    assert {font.removesuffix("-VKana") for font, piece in drawn if set(piece) & set(RARE)} == {fallback}


DIFFERING = "骨直写画"
"""Characters whose Simplified Chinese and Japanese forms differ."""

NOTO_ROLES = {
    "FormTitle": "Noto Serif CJK {}:bold",
    "FormHeading1": "Noto Sans CJK {}",
    "PageNumber": "Noto Serif CJK {}",
}
"""The paragraph styles printed in a Noto collection, and the fontconfig name of its faces."""


def _ink(image: Image.Image) -> Image.Image:
    """The inked part of a glyph picture, scaled to a 64-pixel square for comparison."""
    box = ImageOps.invert(image).getbbox()
    assert box is not None, "an empty glyph"
    return image.crop(box).resize((64, 64))


def _face_glyph(pattern: str, char: str, px: int) -> Image.Image:
    """`char` drawn by the face fontconfig finds for `pattern`, `px` pixels to the em."""
    found = subprocess.run(
        ["fc-match", "--format=%{file}\n%{index}", pattern], check=True, capture_output=True, text=True
    ).stdout.split("\n")
    font = ImageFont.truetype(found[0], px, index=int(found[1]))
    image = Image.new("L", (2 * px, 2 * px), 255)
    ImageDraw.Draw(image).text((px // 2, px // 2), char, font=font, fill=0)
    return _ink(image)


@pytest.fixture(scope="module")
def differing_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("forms")
    document = docx_layout.new_document()
    for style in NOTO_ROLES:
        docx_layout.para(document, DIFFERING, style)
    docx_layout.save(document, folder / "forms.docx", title="forms")
    (pdf,) = convert.to_pdf([folder / "forms.docx"], folder)
    return pdf


@pytest.mark.parametrize("style", NOTO_ROLES)
def test_glyphs_take_their_simplified_chinese_forms(differing_pdf: Path, style: str) -> None:
    """Each of 骨 直 写 画 as printed is nearer Noto's SC face than its JP face, whose forms differ."""
    dpi = 600
    scale = dpi / 72
    page = pdf_reading.page_image(differing_pdf, 1, dpi)
    words = [w for w in pdf_reading.pages(differing_pdf)[0].words if w.text == DIFFERING]
    word = words[list(NOTO_ROLES).index(style)]
    size = (word.x1 - word.x0) / len(DIFFERING)
    for i, char in enumerate(DIFFERING):
        x0 = (word.x0 + i * size) * scale
        printed = _ink(
            page.crop((round(x0), round(word.y0 * scale), round(x0 + size * scale), round(word.y1 * scale)))
        )
        sc, jp = (
            _face_glyph(NOTO_ROLES[style].format(lang), char, round(size * scale)) for lang in ("SC", "JP")
        )
        assert pictures.rms(printed, sc) < pictures.rms(printed, jp), (style, char)
