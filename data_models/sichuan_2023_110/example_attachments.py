"""Write the example provider's attachments: a licence scan (PNG) and a certificate (PDF).

The files are committed under ``examples/attachments/`` and named in ``examples/provider.yaml``;
this script rebuilds them: ``.venv/bin/python -m data_models.sichuan_2023_110.example_attachments``.
They are small on purpose (a 150 dpi greyscale scan of half a page, a one-page PDF).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from formgen.authoring import convert_cold, new_document, para, save

FOLDER = Path(__file__).with_name("examples") / "attachments"
_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def licence_scan(path: Path) -> None:
    """A 营业执照 'scan': a bordered half page with its text, 150 dpi, greyscale."""
    dpi = 150
    width, height = round(170 / 25.4 * dpi), round(120 / 25.4 * dpi)
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, width - 13, height - 13), outline=60, width=6)
    draw.rectangle((30, 30, width - 31, height - 31), outline=120, width=2)
    title = ImageFont.truetype(_FONT, 64)
    body = ImageFont.truetype(_FONT, 28)
    draw.text((width // 2, 110), "营 业 执 照", font=title, fill=20, anchor="mm")
    lines = (
        "统一社会信用代码  91510107MA62L3R5XE",
        "名　　称  成都蜀安智造技术服务有限公司",
        "类　　型  有限责任公司（自然人投资或控股）",
        "法定代表人  李明远",
        "注册资本  伍仟万元整",
        "成立日期  2014年06月18日",
        "住　　所  四川省成都市武侯区天府大道北段1700号",
        "（示例材料，非真实证照）",
    )
    for n, line in enumerate(lines):
        draw.text((120, 200 + n * 48), line, font=body, fill=30)
    image.save(path, format="PNG", dpi=(dpi, dpi), optimize=True)


def certificate_pdf(path: Path) -> None:
    """A one-page 资质证书 in 公文 type, made by LibreOffice without page numbers."""
    document = new_document()
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            for paragraph in footer.paragraphs:
                paragraph._p.getparent().remove(paragraph._p)
    para(document, "安全评价机构资质证书", "FormTitle")
    for line in (
        "机构名称：成都蜀安智造技术服务有限公司",
        "证书编号：APJ-（川）-0000（示例）",
        "业务范围：金属、非金属矿及其他矿采选业；陆地石油和天然气开采业；化学原料、化学品及医药制造业。",
        "有效期至：2026年12月31日",
        "（示例材料，非真实证书）",
    ):
        para(document, line, "FormPlain")
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / f"{path.stem}.docx"
        save(document, source, title="安全评价机构资质证书")
        convert_cold([source], path.parent)


def build(folder: Path = FOLDER) -> list[Path]:
    """Write both attachments into `folder` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    scan, certificate = folder / "business-licence.png", folder / "safety-certificate.pdf"
    licence_scan(scan)
    certificate_pdf(certificate)
    return [scan, certificate]


if __name__ == "__main__":
    for made in build():
        print(made)
