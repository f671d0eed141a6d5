"""四川省经济和信息化厅办公室 川经信办函〔2023〕110号: technical-transformation comprehensive service.

This package registers the notice with formgen through the ``formgen.notices`` entry point.
"""

from __future__ import annotations

import datetime as dt

from formgen.authoring import Notice, NoticeFiles, Packet, PacketPart

from . import (
    annex1,
    annex1_layout,
    annex2,
    annex2_layout,
    annex3,
    annex3_layout,
    annex4,
    annex4_layout,
    annex5,
    annex5_layout,
    notice,
    notice_layout,
    packets,
    rules,
)
from .regions import SichuanCity

ISSUER = "四川省经济和信息化厅办公室"
NOTICE_ID = "sichuan-2023-110"
FILES = NoticeFiles(NOTICE_ID, __name__)
_form = FILES.form

FORMS = (
    _form("notice", "", notice_layout.TITLE, "docx", notice.NoticeText, notice_layout.build),
    _form("annex1", "附件1", annex1_layout.TITLE, "docx", annex1.ProviderGuide, annex1_layout.build),
    _form(
        "annex2", "附件2", annex2_layout.TITLE, "xlsx", annex2.ProviderSummary, annex2_layout.build, "city"
    ),
    _form(
        "annex3",
        "附件3",
        annex3_layout.TITLE,
        "docx",
        annex3.ProviderReport,
        annex3_layout.build,
        complete=annex3.from_paper,
    ),
    _form("annex4", "附件4", annex4_layout.TITLE, "docx", annex4.DiagnosisMaterials, annex4_layout.build),
    _form(
        "annex5", "附件5", annex5_layout.TITLE, "xlsx", annex5.EnterpriseTable, annex5_layout.build, "city"
    ),
)

PACKETS = (
    FILES.issue_packet(FORMS, ISSUER),
    Packet(
        id=f"{NOTICE_ID}.provider",
        title="技术改造综合服务商申请材料",
        submitter="服务商",
        model=packets.ProviderPacket,
        example=FILES.example("provider"),
        parts=(PacketPart(f"{NOTICE_ID}.annex3", lambda p: p.report),),
        name_of=lambda p: p.report.profile.unit_name,
        attachments_of=lambda p: p.attachments,
        code_path="report.profile.credit_code",
        batch_tables=packets.PROVIDER_TABLES,
    ),
    Packet(
        id=f"{NOTICE_ID}.enterprise",
        title="技术改造综合诊断服务企业申请材料",
        submitter="诊断企业",
        model=packets.EnterprisePacket,
        example=FILES.example("enterprise"),
        parts=(
            PacketPart(f"{NOTICE_ID}.annex4", lambda p: p.diagnosis_materials()),
            PacketPart(f"{NOTICE_ID}.annex5", lambda p: p.enterprise_table()),
        ),
        name_of=lambda p: p.application.unit_name,
        code_path="application.credit_code",
        batch_tables=packets.ENTERPRISE_TABLES,
    ),
    Packet(
        id=f"{NOTICE_ID}.city",
        title="市（州）推荐材料",
        submitter="市（州）经济和信息化局",
        model=packets.CityPacket,
        example=FILES.example("city"),
        parts=(
            PacketPart(f"{NOTICE_ID}.annex2", lambda p: p.provider_summary()),
            PacketPart(f"{NOTICE_ID}.annex5", lambda p: p.enterprise_table()),
            PacketPart(f"{NOTICE_ID}.annex3", lambda p: p.providers, lambda r: r.profile.unit_name),
        ),
        name_of=lambda p: p.bureau.name,
        contents=True,
    ),
)

NOTICE = Notice(
    id=NOTICE_ID,
    title="关于组织开展工业企业技术改造综合服务工作的通知",
    issuer=ISSUER,
    doc_number="川经信办函〔2023〕110号",
    date=dt.date(2023, 4, 14),
    forms=FORMS,
    packets=PACKETS,
    rules=rules.RULES,
    regions=tuple(city.value for city in SichuanCity),
)
