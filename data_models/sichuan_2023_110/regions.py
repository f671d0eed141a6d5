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


_COUNTIES_TEXT = {
    SichuanCity.CHENGDU: "锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 青白江区 新都区 温江区 双流区 郫都区 新津区 "
    "金堂县 大邑县 蒲江县 都江堰市 彭州市 邛崃市 崇州市 简阳市",
    SichuanCity.ZIGONG: "自流井区 贡井区 大安区 沿滩区 荣县 富顺县",
    SichuanCity.PANZHIHUA: "东区 西区 仁和区 米易县 盐边县",
    SichuanCity.LUZHOU: "江阳区 纳溪区 龙马潭区 泸县 合江县 叙永县 古蔺县",
    SichuanCity.DEYANG: "旌阳区 罗江区 中江县 广汉市 什邡市 绵竹市",
    SichuanCity.MIANYANG: "涪城区 游仙区 安州区 三台县 盐亭县 梓潼县 北川羌族自治县 平武县 江油市",
    SichuanCity.GUANGYUAN: "利州区 昭化区 朝天区 旺苍县 青川县 剑阁县 苍溪县",
    SichuanCity.SUINING: "船山区 安居区 蓬溪县 大英县 射洪市",
    SichuanCity.NEIJIANG: "市中区 东兴区 威远县 资中县 隆昌市",
    SichuanCity.LESHAN: "市中区 沙湾区 五通桥区 金口河区 犍为县 井研县 夹江县 沐川县 峨边彝族自治县 马边彝族自治县 峨眉山市",
    SichuanCity.NANCHONG: "顺庆区 高坪区 嘉陵区 南部县 营山县 蓬安县 仪陇县 西充县 阆中市",
    SichuanCity.MEISHAN: "东坡区 彭山区 仁寿县 洪雅县 丹棱县 青神县",
    SichuanCity.YIBIN: "翠屏区 南溪区 叙州区 江安县 长宁县 高县 珙县 筠连县 兴文县 屏山县",
    SichuanCity.GUANG_AN: "广安区 前锋区 岳池县 武胜县 邻水县 华蓥市",
    SichuanCity.DAZHOU: "通川区 达川区 宣汉县 开江县 大竹县 渠县 万源市",
    SichuanCity.YA_AN: "雨城区 名山区 荥经县 汉源县 石棉县 天全县 芦山县 宝兴县",
    SichuanCity.BAZHONG: "巴州区 恩阳区 通江县 南江县 平昌县",
    SichuanCity.ZIYANG: "雁江区 安岳县 乐至县",
    SichuanCity.ABA: "马尔康市 汶川县 理县 茂县 松潘县 九寨沟县 金川县 小金县 黑水县 壤塘县 阿坝县 若尔盖县 红原县",
    SichuanCity.GARZE: "康定市 泸定县 丹巴县 九龙县 雅江县 道孚县 炉霍县 甘孜县 新龙县 德格县 白玉县 石渠县 色达县 "
    "理塘县 巴塘县 乡城县 稻城县 得荣县",
    SichuanCity.LIANGSHAN: "西昌市 会理市 木里藏族自治县 盐源县 德昌县 会东县 宁南县 普格县 布拖县 金阳县 昭觉县 喜德县 "
    "冕宁县 越西县 甘洛县 美姑县 雷波县",
}

COUNTIES: dict[SichuanCity, tuple[str, ...]] = {
    city: tuple(text.split()) for city, text in _COUNTIES_TEXT.items()
}
"""The 区（县、市） of each 市（州）: 183 county-level divisions (2023)."""


def split_region(region: str) -> tuple[SichuanCity, str] | None:
    """Split "成都市青白江区" into its 市（州） and 区（县、市）, or None when it is not in Sichuan."""
    for city in SichuanCity:
        if region.startswith(city.value):
            return city, region[len(city.value) :]
    return None


def region_in_address(address: str) -> tuple[SichuanCity, str] | None:
    """The 市（州） and 区（县、市） an address names ("四川省成都市武侯区天府大道…"), or None.

    Only an address that names one city and one of its counties says where it is; an address
    that names the county alone counts when no other city has a county of that name.
    """
    rest = address.replace(" ", "").removeprefix("四川省")
    cities = [city for city in SichuanCity if rest.startswith(city.value)]
    if cities:
        city = cities[0]
        after = rest[len(city.value) :]
        counties = [county for county in COUNTIES[city] if after.startswith(county)]
        return (city, counties[0]) if len(counties) == 1 else None
    named = [
        (city, county) for city, names in COUNTIES.items() for county in names if rest.startswith(county)
    ]
    return named[0] if len(named) == 1 else None
