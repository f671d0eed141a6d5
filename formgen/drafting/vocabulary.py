"""What the words of a form say about its places: labels, units, types, limits, the office's areas.

Chinese forms name what they ask for in a small, stable vocabulary: a cell labelled
统一社会信用代码 wants a credit code, one holding only 万元 wants an amount, 审核意见 is
the office's. The rules here are that vocabulary, kept in tables so a reviewer can read and
extend them; the detector (`docx_places`, `xlsx_places`) only asks them questions.
"""

from __future__ import annotations

import re

from formgen.drafting.places import Place

# -- units and frames: a cell holding only one of them is a place to write in ----------------

UNITS: dict[str, str] = {
    "万元": "money",
    "元": "yuan",
    "%": "percent",
    "％": "percent",
    "人": "count",
    "个": "count",
    "家": "count",
    "项": "count",
    "台": "count",
    "套": "count",
    "件": "count",
    "次": "count",
    "平方米": "area",
    "㎡": "area",
    "m²": "area",
    "亩": "area",
    "吨": "quantity",
    "万吨": "quantity",
    "吨标准煤": "quantity",
    "万吨标准煤": "quantity",
    "千瓦时": "quantity",
    "万千瓦时": "quantity",
    "兆瓦": "quantity",
    "千瓦": "quantity",
}
"""A unit printed where the value goes, and the type of value it asks for."""

_FRAME = re.compile(r"^[\s_]*(?:[（(](?:盖章|签字|签名|签章|公章)[)）])?[\s_]*$")
DATE_BLANK = re.compile(r"(?:[ \t\u3000_*＊]+|^)年[ \t\u3000_*＊]+月[ \t\u3000_*＊]+日")
"""年 月 日 with gaps (spaces, ideographic spaces, underlines, ****) before the numbers."""
_UNIT_WORDS = "万元|元|%|％|人|个|家|项|台|套|件|次|平方米|㎡|m²|亩|万吨标准煤|吨标准煤|万吨|吨|万千瓦时|千瓦时|兆瓦|千瓦"
_UNIT_ONLY = re.compile(rf"^[\s_]*[（(]?\s*({_UNIT_WORDS})\s*[)）]?[\s_]*$")
_UNIT_IN_LABEL = re.compile(rf"[（(]\s*({_UNIT_WORDS})\s*(?:/[^（）()]*)?[)）]")


def unit_only(text: str) -> str | None:
    """The unit if `text` holds nothing else ("万元", "（人）"), else None."""
    match = _UNIT_ONLY.match(text)
    return match.group(1) if match else None


def frame_only(text: str) -> bool:
    """Whether `text` is a frame with nothing to read: blank, underlines, （盖章）, 年 月 日."""
    return bool(_FRAME.match(text)) or bool(DATE_BLANK.fullmatch(text.strip()))


def unit_in_label(label: str) -> str | None:
    """The unit a label names in brackets: 营业收入（万元） → 万元."""
    match = _UNIT_IN_LABEL.search(label)
    return match.group(1) if match else None


# -- labels --------------------------------------------------------------------------------

_NOISE = re.compile(r"[\s\u3000*＊:：_]+")
_BRACKETED = re.compile(rf"[（(](?!\s*(?:{_UNIT_WORDS})\s*(?:/[^（）()]*)?[)）])[^（）()]*[)）]")


def clean_label(text: str) -> str:
    """A label as a title: its words without colons, gaps, stars and bracketed notes like （盖章）.

    A note in brackets is kept when nothing else is left (（盖章） alone stays a label).
    """
    bare = _NOISE.sub("", text)
    without = _BRACKETED.sub("", bare)
    return without or bare


def tidy_label(text: str) -> str:
    """A header as a title: gaps, colons and stars out, every word and bracket kept (市（州）)."""
    return _NOISE.sub("", text)


def is_label(text: str) -> bool:
    """Whether a cell's text reads as a label: short words, not a sentence, not a frame."""
    stripped = text.strip()
    return bool(stripped) and not frame_only(stripped) and len(clean_label(stripped)) <= 30


# -- types ---------------------------------------------------------------------------------

TYPE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("组织机构代码", "三证合一"), "org_or_credit_code"),
    (("统一社会信用代码", "社会信用代码", "信用代码"), "credit_code"),
    (("身份证", "公民身份号码", "身份号码"), "id_card"),
    (("手机",), "mobile"),
    (("电话", "传真", "座机", "联系方式"), "phone"),
    (("邮编", "邮政编码"), "postcode"),
    (("e-mail", "email", "邮箱", "电子邮件"), "email"),
    (("日期", "时间"), "date"),
    (("比例", "比重", "占比", "百分比", "增长率", "增幅"), "percent"),
    (("面积",), "area"),
    (("人数", "数量", "个数", "户数", "家数", "总数", "场次", "次数"), "count"),
)
"""Words in a label and the type they ask for, most specific first (手机 before 电话)."""

NUMBERS = ("money", "yuan", "count", "quantity", "percent", "area")
"""Types of numbers: a row label's unit types the cells of its columns."""

_LONG_WORDS = (
    "简介",
    "概况",
    "情况",
    "说明",
    "内容",
    "描述",
    "介绍",
    "理由",
    "依据",
    "措施",
    "目标",
    "成效",
    "事由",
    "经历",
    "业绩",
    "基础",
    "方案",
    "计划",
    "摘要",
)
"""Words of labels that ask for prose."""

_NOT_DATE = ("时间段", "工作时间", "服务时间", "营业时间")


def field_type(label: str, unit: str | None = None) -> str:
    """The type a place asks for, from its label and the unit printed with it.

    Types: text, long_text, money (万元), yuan, count, quantity (吨, 千瓦时), percent, area,
    credit_code, id_card, mobile, phone, postcode, email, date.
    """
    if unit:
        return UNITS[unit]
    named = unit_in_label(label)
    if named:
        return UNITS[named]
    lowered = label.lower()
    for words, kind in TYPE_WORDS:
        if any(word in lowered for word in words):
            if kind == "date" and (any(w in label for w in _NOT_DATE) or len(label) > 12):
                continue
            return kind
    if any(word in label for word in _LONG_WORDS):
        return "long_text"
    return "text"


_LIMIT = re.compile(
    r"(?:不超过|不多于|不得超过|限|控制在)\s*(\d+|[一二三四五六七八九十百千两]+)\s*(?:个)?(?:汉)?字|(\d+|[一二三四五六七八九十百千两]+)\s*(?:个)?字(?:以内|之内|左右)"
)
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}


def char_limit(text: str) -> int | None:
    """A character limit the text states: 不超过500字, 300字以内, 限二百字."""
    match = _LIMIT.search(text)
    if not match:
        return None
    number = match.group(1) or match.group(2)
    return int(number) if number.isdigit() else _chinese_number(number)


def _chinese_number(text: str) -> int:
    total, digit = 0, 0
    for character in text:
        if character in _DIGITS:
            digit = _DIGITS[character]
        else:
            total += (digit or 1) * _POWERS[character]
            digit = 0
    return total + digit


# -- the office's places -------------------------------------------------------------------

OFFICE_WORDS = (
    "审核意见",
    "审批意见",
    "审查意见",
    "审核",
    "审批",
    "受理",
    "推荐意见",
    "推荐单位意见",
    "主管部门意见",
    "部门意见",
    "评审意见",
    "复核",
    "核查意见",
    "初审",
    "备案机关",
    "经办人",
    "照片",
    "相片",
    "以下由",
    "由受理",
    "机关填写",
    "部门填写",
    "工作人员",
    "登记机关",
    "发证机关",
    "办理结果",
    "证明单位",
    "出具单位",
    "村委会意见",
    "居委会意见",
    "街道意见",
    "乡镇意见",
    "镇政府意见",
)
"""Words that mark a place meant for the office that receives the form, not the applicant."""

SIGNATURE_WORDS = ("签字", "签名", "签章", "盖章", "公章", "印章", "手印", "指印")
"""A place signed or stamped by hand: on paper, never typed."""


def office_reason(text: str) -> str | None:
    """Why a label belongs to the office, or None when the applicant fills it."""
    for word in OFFICE_WORDS:
        if word in text:
            return f"机关填写（{word}） / for the office ({word})"
    return None


def signature_only(label: str) -> bool:
    """Whether a label asks only for a signature or a seal: 签字, 法定代表人（签名）, （盖章）.

    单位名称（盖章） asks for the name, typed, and the seal beside it: a text place.
    """
    bare = _NOISE.sub("", label)
    words = _BRACKETED.sub("", bare)
    if not words:
        return any(word in bare for word in SIGNATURE_WORDS)
    if words.endswith(SIGNATURE_WORDS):
        return True
    notes = "".join(_BRACKETED.findall(bare))
    return any(word in notes for word in ("签字", "签名"))


def column(
    group: str, label: str, where: str, *, options: list[str] | None = None, yes_no: bool = False
) -> Place:
    """A rows field's column from its header, under `group` when the header has two levels.

    `options` are a drop-down the published sheet gives; with `yes_no` a 是否 header is 是/否.
    Prose does not fit a table cell's line: a column is at most text.
    """
    words = f"{group}{label}"
    kind = field_type(words if field_type(label) == "text" else label)
    if not options and yes_no and "是否" in label:
        options = ["是", "否"]
    if options:
        kind = "choice"
    return Place(
        label=words,
        type="text" if kind == "long_text" else kind,
        where=where,
        pattern="表头",
        confidence=0.85,
        context=group,
        unit=unit_in_label(words),
        max_chars=char_limit(words),
        options=list(options or []),
    )
