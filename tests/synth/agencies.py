"""Realistic issuing bodies: real (province, city, county) divisions from cpca's adcode table, plus
department names by administrative level."""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

Level = str  # "province" | "city" | "county" | "township"

# Municipalities, SARs and Taiwan have no clean province/city/county triple: left out.
_SKIP_PROVINCES = {"11", "12", "31", "50", "71", "81", "82"}
_BAD_CITY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Used when cpca's data file cannot be read: a few real triples.
_FALLBACK = [
    ("山东省", "烟台市", "芝罘区"), ("山东省", "聊城市", "东昌府区"), ("江苏省", "宿迁市", "沭阳县"),
    ("江苏省", "淮安市", "洪泽区"), ("湖北省", "武汉市", "硚口区"), ("福建省", "福州市", "闽清县"),
    ("宁夏回族自治区", "银川市", "兴庆区"), ("浙江省", "杭州市", "西湖区"), ("广东省", "佛山市", "顺德区"),
    ("四川省", "成都市", "武侯区"), ("河南省", "周口市", "商水县"), ("安徽省", "黄山市", "休宁县"),
]

# Department names (suffix of the agency) with their agency_type, by level.
DEPARTMENTS: dict[Level, list[tuple[str, str]]] = {
    "province": [
        ("人民政府", "人民政府"), ("人民政府办公厅", "人民政府办公厅"), ("发展和改革委员会", "发展和改革"),
        ("财政厅", "财政"), ("公安厅", "公安"), ("教育厅", "教育"), ("民政厅", "民政"),
        ("自然资源厅", "自然资源"), ("生态环境厅", "生态环境"), ("住房和城乡建设厅", "住房和城乡建设"),
        ("交通运输厅", "交通运输"), ("商务厅", "商务"), ("卫生健康委员会", "卫生健康"),
        ("市场监督管理局", "市场监督管理"),
    ],
    "city": [
        ("人民政府", "人民政府"), ("人民政府办公室", "人民政府办公室"), ("发展和改革委员会", "发展和改革"),
        ("财政局", "财政"), ("公安局", "公安"), ("城市管理局", "城市管理"), ("教育局", "教育"),
        ("民政局", "民政"), ("自然资源和规划局", "自然资源"), ("生态环境局", "生态环境"),
        ("住房和城乡建设局", "住房和城乡建设"), ("交通运输局", "交通运输"), ("市场监督管理局", "市场监督管理"),
        ("卫生健康委员会", "卫生健康"), ("医疗保障局", "医疗保障"), ("应急管理局", "应急管理"),
        ("退役军人事务局", "退役军人事务"),
    ],
    "county": [
        ("人民政府", "人民政府"), ("人民政府办公室", "人民政府办公室"), ("发展和改革局", "发展和改革"),
        ("财政局", "财政"), ("公安局", "公安"), ("城市管理局", "城市管理"), ("综合行政执法局", "综合行政执法"),
        ("教育局", "教育"), ("民政局", "民政"), ("自然资源局", "自然资源"), ("住房和城乡建设局", "住房和城乡建设"),
        ("交通运输局", "交通运输"), ("市场监督管理局", "市场监督管理"), ("卫生健康局", "卫生健康"),
        ("农业农村局", "农业农村"), ("水利局", "水利"), ("应急管理局", "应急管理"),
    ],
}

# Common township / street names (not tied to a real county; only the suffix matters).
TOWNSHIP_NAMES = [
    "城关", "新华", "东城", "西城", "城南", "城北", "长安", "和平", "向阳", "红旗", "解放", "新城", "青山",
    "石桥", "白沙", "龙泉", "太平", "永安", "清水", "马桥", "双河", "大河", "高桥", "柳林", "杨庄", "黄土岗",
    "桃源", "金山", "凤凰", "梅林", "三里", "五里", "兴隆", "顺河", "北关", "南湖", "枫林", "朝阳",
]
TOWNSHIP_KINDS = [("街道办事处", "街道办事处"), ("镇人民政府", "乡镇人民政府"), ("乡人民政府", "乡镇人民政府")]


@dataclass(frozen=True)
class Agency:
    name: str
    level: Level
    agency_type: str
    province: str
    city: str | None
    county: str | None
    is_government: bool  # the 人民政府 itself or its office: the only bodies that can make 规章


@lru_cache(maxsize=1)
def divisions() -> tuple[tuple[str, str, str], ...]:
    """Real (province, city, county) triples, sorted for determinism."""
    try:
        import cpca  # optional data source
        path = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
        names: dict[str, str] = {}
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names[row["adcode"]] = row["name"]
    except Exception:  # noqa: BLE001 — cpca missing or its table unreadable: the fallback  # pragma: no cover
        return tuple(_FALLBACK)
    out = []
    for code, name in names.items():
        if len(code) != 12 or code[6:] != "000000" or code[4:6] == "00" or code[:2] in _SKIP_PROVINCES:
            continue
        if code[2:4] == "90":  # 省直辖县级行政区划
            continue
        province = names.get(code[:2] + "0" * 10)
        city = names.get(code[:4] + "0" * 8)
        if not province or not city or city in _BAD_CITY_NAMES or name in _BAD_CITY_NAMES:
            continue
        out.append((province, city, name))
    return tuple(sorted(out)) or tuple(_FALLBACK)


def pick_level(rng: random.Random) -> Level:
    return rng.choices(("province", "city", "county", "township"), weights=(1, 4, 8, 3))[0]


def make_agency(rng: random.Random, level: Level | None = None) -> Agency:
    level = level or pick_level(rng)
    province, city, county = rng.choice(divisions())
    if level == "township":
        town = rng.choice(TOWNSHIP_NAMES)
        kind, atype = rng.choice(TOWNSHIP_KINDS)
        return Agency(f"{city}{county}{town}{kind}", level, atype, province, city, county, False)
    dept, atype = rng.choice(DEPARTMENTS[level])
    is_gov = atype.startswith("人民政府")
    if level == "province":
        return Agency(f"{province}{dept}", level, atype, province, None, None, is_gov)
    if level == "city":
        return Agency(f"{city}{dept}", level, atype, province, city, None, is_gov)
    return Agency(f"{city}{county}{dept}", level, atype, province, city, county, is_gov)
