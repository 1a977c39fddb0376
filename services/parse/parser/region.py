"""Region and administrative level of the issuing body, completed from the gazetteer (cpca):
"硚口区城管执法局" → 湖北省 / 武汉市 / 硚口区."""
from __future__ import annotations

import re
from functools import lru_cache

import cpca  # loads its address automaton once, at import

from shared.record import Region

# Areas the gazetteer does not list, as the reports name them.
_SPECIAL: dict[str, tuple[str, str | None, str | None]] = {
    "平潭综合实验区": ("福建省", "平潭综合实验区", None),
}
_NOT_A_CITY = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIX = re.compile(r"(?:省|市|特别行政区|自治区|自治州|地区|盟|县|区|旗)$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,4}?[县区市旗]")
_TOWNSHIP = re.compile(r"街道|(?<!城)[乡镇](?:人民政府|政府|办事处|党委)|(?<!城)[乡镇]$")


def _lookup(s: str) -> Region | None:
    t = _lookup_names(s)
    return None if t is None else Region(province=t[0], city=t[1], county=t[2])


@lru_cache(maxsize=4096)  # agencies recur across a body's yearly reports
def _lookup_names(s: str) -> tuple[str | None, str | None, str | None] | None:
    for name, (p, c, k) in _SPECIAL.items():
        if name in s:
            return p, c, k
    r = cpca._get_one_addr(s, False, {})  # the record-level function behind cpca.transform, minus pandas
    p, c, k = r.get("省"), r.get("市"), r.get("区")
    names = [n for n in (p, c, k) if n and n not in _NOT_A_CITY]
    # cpca also matches one-character abbreviations ("县" → 重庆市/县): keep only what the text names.
    if not any(n in s or (len(_SUFFIX.sub("", n)) >= 2 and _SUFFIX.sub("", n) in s) for n in names):
        return None
    if c in _NOT_A_CITY:
        c = p if k else None  # districts of 直辖市: the municipality is also the city
    return p, c, k


def is_place(name: str | None) -> bool:
    """Whether `name` is nothing but gazetteer place names, outermost first ("三明市", "淮安市洪泽区",
    "福建省"): a report whose title names only the place is issued by its people's government.
    Zones the gazetteer does not list (平潭综合实验区) are not places here: they are bodies in their
    own right, named as such."""
    if not name or any(k in name for k in _SPECIAL):
        return False
    names = _lookup_names(name)
    if names is None:
        return False
    rest = name
    for n in dict.fromkeys(names):  # a municipality is both province and city: strip it once
        if n and n not in _NOT_A_CITY and rest.startswith(n):
            rest = rest[len(n):]
    return not rest and name[-1] in "省市县区旗州盟"


def place_at(text: str) -> int | None:
    """Where the first place name in `text` starts (the gazetteer's or a zone's), or None:
    "现公布三明市人民政府" → 3."""
    for name in _SPECIAL:
        at = text.find(name)
        if at >= 0:
            return at
    names = _lookup_names(text)
    if names is None:
        return None
    found = [text.find(f) for n in names if n and n not in _NOT_A_CITY
             for f in (n, _SUFFIX.sub("", n)) if len(f) >= 2 and f in text]
    return min(found) if found else None


def find_region(*texts: str | None) -> Region:
    for t in texts:
        if t:
            r = _lookup(t)
            if r is not None:
                return r
    return Region()


# Look-alike characters OCR confuses in place names (形近字), each way round.
_LOOKALIKE_PAIRS = ("沐沭", "泸沪", "准淮", "毫亳", "郸郓", "雎睢", "盯盱", "贻眙", "洒泗", "沉沅",
                    "培涪", "彬郴", "衮兖", "栾滦", "汶汝", "峡陕", "末未", "已巳", "戌戍", "汩汨")
_LOOKALIKE: dict[str, str] = {}
for _a, _b in (tuple(_p) for _p in _LOOKALIKE_PAIRS):
    _LOOKALIKE[_a], _LOOKALIKE[_b] = _b, _a


def correct_place(agency: str) -> tuple[str, str] | None:
    """(misread, corrected) when the agency's leading place name is unknown to the gazetteer but
    swapping one look-alike character gives exactly one listed name (OCR: 沐阳县 → 沭阳县)."""
    m = _PLACE.match(agency)
    if not m or any(k in agency for k in _SPECIAL) or _lookup(agency) is not None:
        return None
    name = m.group()
    found = []
    for i, ch in enumerate(name[:-1]):
        alt = _LOOKALIKE.get(ch)
        if alt:
            cand = name[:i] + alt + name[i + 1:]
            r = _lookup(cand)
            if r is not None and cand in (r.province, r.city, r.county):
                found.append(cand)
    return (name, found[0]) if len(found) == 1 else None


_CITY_THEN_COUNTY = re.compile(r"^([\u4e00-\u9fff]{1,6}?市)([\u4e00-\u9fff]{1,4}?[区县])")


@lru_cache(maxsize=1)
def _counties_by_city() -> dict[str, tuple[str, ...]]:
    """City name → its counties' names, from the gazetteer's division codes (county code 6 digits, the city's
    is its first four + 00)."""
    by_code = {a.adcode[:6]: a for a in cpca.ad_2_addr_dict.values()}
    out: dict[str, list[str]] = {}
    for code, a in by_code.items():
        if a.rank == a.RANK_COUNTY:
            city = by_code.get(code[:4] + "00")
            if city is not None:
                out.setdefault(city.name, []).append(a.name)
    return {k: tuple(v) for k, v in out.items()}


def restore_dropped(agency: str) -> tuple[str, str] | None:
    """(misread, corrected) when a county-level name after its city is not one of that city's counties but
    becomes exactly one of them with one character put back (OCR drops a rare character: 烟台市芝区 →
    烟台市芝罘区)."""
    m = _CITY_THEN_COUNTY.match(agency)
    if not m:
        return None
    city, county = m.groups()
    counties = _counties_by_city().get(city, ())
    if not counties or county in counties:
        return None
    found = [c for c in counties if len(c) == len(county) + 1
             and any(c[:i] + c[i + 1:] == county for i in range(len(c) - 1))]
    return (m.group(), city + found[0]) if len(found) == 1 else None


def level(agency: str | None, region: Region) -> str | None:
    if not agency:
        return None
    if _TOWNSHIP.search(agency):
        return "township"
    if region.county and (region.county in agency or _SUFFIX.sub("", region.county) in agency):
        return "county"
    if region.city and (region.city in agency or _SUFFIX.sub("", region.city) in agency):
        return "city"
    if region.province and (region.province in agency or _SUFFIX.sub("", region.province) in agency):
        return "province"
    if re.search(r"[区县](?:人民政府|政府|[\u4e00-\u9fff]*局)", agency):
        return "county"
    if "市" in agency:
        return "city"
    if "省" in agency:
        return "province"
    return None
