"""agency_key: the string that identifies "the same body" across years, for CROSS_YEAR.

Choice (documented in docs/validation.md):
- the region is the administrative code that cpca (a Chinese address parser) finds in
  "province + city + county + agency name" — so "烟台市芝罘区发展和改革局" and "芝罘区发展和改革局"
  both resolve to 370602 (芝罘区). When cpca finds nothing, the record's region names are used.
- the name is the agency name with the place names cpca recognised removed, converted to simplified
  characters, without spaces/punctuation, and with common long/short variants unified
  (人民政府办公室/政府办公室/政府办 → 政府办, 人民政府 → 政府, 发展和改革局 → 发改局 …).
Key format: "<adcode or region names>|<name>", e.g. "370602|发改局".
"""
from __future__ import annotations

import logging
import re

from shared.record import Record
from shared.textnorm import to_simplified

log = logging.getLogger(__name__)

# Long form → short form, applied in order (longer patterns first where they overlap).
VARIANTS: tuple[tuple[str, str], ...] = (
    ("中华人民共和国", ""),
    ("人民政府办公室", "政府办"), ("人民政府办公厅", "政府办"),
    ("政府办公室", "政府办"), ("政府办公厅", "政府办"),
    ("街道办事处", "街道"), ("街道办", "街道"),
    ("人民政府", "政府"),
    ("发展和改革委员会", "发改委"), ("发展改革委员会", "发改委"), ("发展和改革局", "发改局"), ("发展改革局", "发改局"),
    ("城市管理综合行政执法局", "城管执法局"), ("城市管理行政执法局", "城管执法局"), ("城市管理局", "城管局"),
    ("人力资源和社会保障局", "人社局"), ("人力资源社会保障局", "人社局"),
    ("住房和城乡建设局", "住建局"), ("住房城乡建设局", "住建局"),
    ("市场监督管理局", "市场监管局"), ("卫生健康委员会", "卫健委"), ("卫生和健康委员会", "卫健委"),
    ("文化广电和旅游局", "文旅局"), ("文化和旅游局", "文旅局"), ("退役军人事务局", "退役军人局"),
    ("应急管理局", "应急局"), ("医疗保障局", "医保局"), ("交通运输局", "交通局"), ("农业农村局", "农业局"),
    ("生态环境局", "环境局"), ("自然资源和规划局", "自然资源局"), ("财政金融局", "财金局"),
    ("委员会", "委"),
)
PUNCT = re.compile(r"[\s\W_]+")
LEVEL_WORD = re.compile(r"^[省市区县旗](?=(人民)?政府)")


Located = tuple[str | None, str | None, str | None, str | None]
_located: dict[str, Located] = {}   # per process; a body's text recurs every year


def _clean(x: object) -> str | None:
    return x if isinstance(x, str) and x else None


def _locate_many(texts: list[str]) -> None:
    """Run cpca once over every text not located yet: one call for a batch costs about what one call
    for a single text does (it builds a pandas frame each time)."""
    todo = sorted({t for t in texts if t and t not in _located})
    if not todo:
        return
    import cpca  # heavy (loads its area table once); imported only when a key is needed

    frame = cpca.transform(todo)
    for text, adcode, province, city, county in zip(todo, frame["adcode"], frame["省"], frame["市"], frame["区"], strict=True):
        _located[text] = (_clean(adcode), _clean(province), _clean(city), _clean(county))


def _locate(text: str) -> Located:
    """(adcode, province, city, county) that cpca finds in the text; None where not found."""
    if text not in _located:
        _locate_many([text])
    return _located[text]


def short_place(name: str) -> str:
    """"芝罘区" → "芝罘", "宁夏回族自治区" → "宁夏": so a prefix "芝罘" is removed too."""
    name = re.sub(r"(回族|维吾尔|壮族)?自治(区|州|县)$", "", name)
    return re.sub(r"(省|市|区|县|旗|州|盟|地区)$", "", name) or name


def normalize_name(name: str, places: list[str | None]) -> str:
    """Agency name without leading place names, simplified, unified, no punctuation."""
    text = PUNCT.sub("", to_simplified(name))
    forms = sorted({f for p in places if p for f in (p, short_place(p)) if len(f) >= 2}, key=len, reverse=True)
    while True:  # several places in a row: "烟台市芝罘区…"
        form = next((f for f in forms if text.startswith(f) and len(text) > len(f)), None)
        if form is None:
            break
        text = text[len(form):]
    text = LEVEL_WORD.sub("", text)  # "县人民政府办公室" of 沭阳县 = "沭阳县政府办"
    for long, short in VARIANTS:
        text = text.replace(long, short)
    return text


def _located_text(record: Record) -> tuple[str, str]:
    """(the agency name simplified, the text cpca reads: region names it does not contain + the name)."""
    agency = to_simplified(record.meta.agency or "")
    region = record.meta.region
    context = "".join(p for p in (region.province, region.city, region.county) if p and p not in agency)
    return agency, context + agency


def prepare(records: list[Record]) -> None:
    """Locate the agencies of a batch in one cpca call, so the `agency_key` calls that follow are
    lookups. Best effort: should the batch call fail, each record is located (and fails) on its own."""
    try:
        _locate_many([_located_text(r)[1] for r in records])
    except Exception:  # agency_key retries per record, inside its document's isolation
        log.warning("batch agency location failed; locating one by one", exc_info=True)


def agency_key(record: Record) -> str:
    """The body's key, or "" when the report names no body: reports whose body was not found are never
    taken for the same body (else two of them, of one place and year, would supersede each other)."""
    region = record.meta.region
    agency, text = _located_text(record)
    if not agency.strip():
        return ""
    adcode, province, city, county = _locate(text) if text else (None,) * 4
    places = [province, city, county, region.province, region.city, region.county]
    name = normalize_name(agency, places)
    where = adcode or "/".join(p or "" for p in (region.province, region.city, region.county))
    return f"{where}|{name}"
