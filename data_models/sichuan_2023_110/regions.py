"""四川省 21 个市（州）, in the order of the province's administrative division list."""

from __future__ import annotations

import enum


class SichuanCity(enum.StrEnum):
    """A 市（州） of 四川省."""

    CHENGDU = "成都市"
    ZIGONG = "自贡市"
    PANZHIHUA = "攀枝花市"
    LUZHOU = "泸州市"
    DEYANG = "德阳市"
    MIANYANG = "绵阳市"
    GUANGYUAN = "广元市"
    SUINING = "遂宁市"
    NEIJIANG = "内江市"
    LESHAN = "乐山市"
    NANCHONG = "南充市"
    MEISHAN = "眉山市"
    YIBIN = "宜宾市"
    GUANG_AN = "广安市"
    DAZHOU = "达州市"
    YA_AN = "雅安市"
    BAZHONG = "巴中市"
    ZIYANG = "资阳市"
    ABA = "阿坝藏族羌族自治州"
    GARZE = "甘孜藏族自治州"
    LIANGSHAN = "凉山彝族自治州"
