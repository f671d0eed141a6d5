"""重庆市经济和信息化委员会 渝经信节能〔2023〕1号: municipal green-manufacturing service platforms.

This package registers the notice with formgen through the ``formgen.notices`` entry point.
"""

from __future__ import annotations

import datetime as dt

from formgen.authoring import Notice, NoticeFiles, Packet, PacketPart

from . import annex1, annex1_layout, annex2, annex2_layout, notice, notice_layout, packets, regions, rules

ISSUER = "重庆市经济和信息化委员会"
NOTICE_ID = "chongqing-2023-1"
FILES = NoticeFiles(NOTICE_ID, __name__)
_form = FILES.form

FORMS = (
    _form("notice", "", notice_layout.TITLE, "docx", notice.NoticeText, notice_layout.build),
    _form(
        "annex1",
        "附件1",
        annex1_layout.TITLE,
        "xlsx",
        annex1.RecommendationSummary,
        annex1_layout.build,
        "district",
    ),
    _form("annex2", "附件2", annex2_layout.TITLE, "docx", annex2.PlatformApplication, annex2_layout.build),
)

PACKETS = (
    FILES.issue_packet(FORMS, ISSUER),
    Packet(
        id=f"{NOTICE_ID}.platform",
        title="市级绿色制造综合服务平台申报材料",
        submitter="申报单位（牵头单位）",
        model=packets.PlatformPacket,
        example=FILES.example("platform"),
        parts=(PacketPart(f"{NOTICE_ID}.annex2", lambda p: p.application),),
        name_of=lambda p: p.application.unit.unit_name,
        attachments_of=lambda p: p.attachments,
        code_path="application.unit.code",
        batch_tables=packets.PLATFORM_TABLES,
    ),
    Packet(
        id=f"{NOTICE_ID}.district",
        title="区县推荐材料",
        submitter="区县经信部门",
        model=packets.DistrictPacket,
        example=FILES.example("district"),
        parts=(
            PacketPart(f"{NOTICE_ID}.annex1", lambda p: p.summary()),
            PacketPart(f"{NOTICE_ID}.annex2", lambda p: p.applicants, lambda a: a.unit.unit_name),
        ),
        name_of=lambda p: p.district.name,
        contents=True,
    ),
)

NOTICE = Notice(
    id=NOTICE_ID,
    title="关于申报市级重点绿色制造综合服务平台的通知",
    issuer=ISSUER,
    doc_number="渝经信节能〔2023〕1号",
    # The seed's 落款 carries no date; the 版记 gives the printing date, 2023年1月31日印发.
    date=dt.date(2023, 1, 31),
    forms=FORMS,
    packets=PACKETS,
    rules=rules.RULES,
    regions=regions.DISTRICTS,
)
