"""Turning user search parameters into an Elasticsearch query — safely.

Users write plain words: quotes for phrases, `-` to exclude. We hand that to `simple_query_string`
with only the AND/OR/NOT/PHRASE/WHITESPACE/PRECEDENCE features enabled (no regex, fuzzy, wildcard or
field syntax), and never pass raw query strings or scripts. Figure filters name a table cell by its
record path and are checked against the known cell paths.

How full text is matched and ranked (what large search sites do; measurements in docs/benchmarks.md §3):
- matching is on one field, `text` (the whole document, title and tables included), every word
  required; a Chinese word is analysed into its bigrams (行政复议 → 行政 政复 复议), all required, which
  is a term conjunction, not a phrase query over every matching document; a quoted "phrase" stays a
  phrase;
- ranking: BM25 over `text`, then a `rescore` of the top RESCORE_WINDOW hits adds exact-word and
  proximity matches and title, agency and figure-label matches;
- highlighting uses the phrase form of the query (each Chinese word contiguous), so 行政 alone in
  行政诉讼 is not marked for 行政复议;
- snippets come from prose: `text` holds the tables too (one line per row or cell), so the search asks
  for up to SNIPPET_CANDIDATES fragments and `prose_first` keeps those whose marked word stands in a
  sentence; fragments of table text are shown (cells joined by " | ") only when no fragment is prose.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from shared.es_index import FACET_PATHS
from shared.schema import STATS_GROUPS, cell_labels, cell_path_set
from shared.schema import ordered_cell_paths as _ordered_cell_paths
from shared.textnorm import to_simplified

TEXT_FIELD = "text"
# Ranking boosts, applied to the top hits in the rescore (a title or agency match counts most).
BOOST_FIELDS = ["meta.title^4", "meta.agency^4", "figures.label^2"]
RESCORE_WINDOW = 50
FACETS: dict[str, str] = dict(FACET_PATHS)
MAX_PAGE = 100
# Fields the stats endpoint can group by (a subset of the facets: the ones that make sense as axes).
GROUPS: dict[str, str] = {k: FACETS[k] for k in STATS_GROUPS}
_FIGURE = re.compile(r"^\s*([a-z_.]+)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$")


class QueryError(ValueError):
    """A parameter the user can fix; becomes a 422 with this message."""


def cell_paths() -> frozenset[str]:
    """Every cell path of both templates (shared/schema.py): what a figure filter or sort may name."""
    return cell_path_set()


def parse_figure_filter(expr: str) -> dict[str, Any]:
    m = _FIGURE.match(expr)
    if not m:
        raise QueryError(f"数值筛选格式应为 路径>=数字：{expr!r} / figure filter must look like path>=number")
    path, op, num = m.groups()
    if path not in cell_paths():
        raise QueryError(f"未知的表格单元路径：{path} / unknown table cell path")
    value = float(num) if "." in num else int(num)
    if op == "=":
        return {"term": {path: value}}
    if op == "!=":
        return {"bool": {"must": [{"exists": {"field": path}}], "must_not": [{"term": {path: value}}]}}
    rng = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}[op]
    return {"range": {path: {rng: value}}}


@dataclass
class SearchParams:
    q: str | None = None
    province: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    county: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    year: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    template: list[str] = field(default_factory=list)
    agency_type: list[str] = field(default_factory=list)
    rule: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    quality: list[str] = field(default_factory=list)
    figure: list[str] = field(default_factory=list)
    include_superseded: bool = False


_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w")  # something an analyzer keeps (letters, digits, CJK)
_SQS = {"default_operator": "and", "flags": "AND|OR|NOT|PHRASE|WHITESPACE|PRECEDENCE", "analyze_wildcard": False,
        "lenient": True}


def chinese_phrases(q: str) -> str:
    """Make each bare Chinese word a phrase: 行政复议 → "行政复议" (used for highlighting).

    Quotes, `-`, `|`, `+` and parentheses keep their simple_query_string meaning."""
    out = []
    for tok in _TOKEN.findall(q):
        neg = "-" if tok.startswith("-") and len(tok) > 1 else ""
        body = tok[len(neg):]
        lead = body[:len(body) - len(body.lstrip("("))]
        trail = body[len(body.rstrip(")")):] if not body.startswith('"') else ""
        core = body[len(lead):len(body) - len(trail)] if trail or lead else body
        if core.startswith('"'):
            core = core if core.endswith('"') and len(core) > 1 else core + '"'
        elif _CJK.search(core):
            core = '"' + core + '"'
        out.append(f"{neg}{lead}{core}{trail}")
    return " ".join(out)


def positive_words(q: str) -> list[str]:
    """The words and phrases a query asks for (not the excluded ones), without operators or quotes."""
    out = []
    for tok in _TOKEN.findall(q):
        if tok.startswith("-") and len(tok) > 1:
            continue
        word = tok.strip('"()+|').strip()
        if _WORD.search(word) and word not in out:
            out.append(word)
    return out


def _normal(q: str) -> str:
    return to_simplified(q.strip())  # traditional queries find simplified-indexed text


def _text_clause(q: str) -> dict:
    """The full-text clause: every word in `text` (a Chinese word: all its bigrams; "…": a phrase)."""
    return {"simple_query_string": {"query": _normal(q), "fields": [TEXT_FIELD], **_SQS}}


def rescore(q: str | None) -> dict | None:
    """Re-ranking of the top RESCORE_WINDOW hits of a text query: each word as it was typed (contiguous),
    the words near each other, and title, agency and figure labels with their boosts. Only the window
    pays for positions; the match itself is the plain conjunction."""
    if not q or not q.strip():
        return None
    words = positive_words(_normal(q))[:8]
    if not words:
        return None
    should: list[dict] = [{"match_phrase": {TEXT_FIELD: {"query": w}}} for w in words]
    if len(words) > 1:  # proximity: all the words within a short stretch, in any order
        should.append({"intervals": {TEXT_FIELD: {"all_of": {
            "ordered": False, "max_gaps": 20,
            "intervals": [{"match": {"query": w, "max_gaps": 0, "ordered": True}} for w in words]}}}})
    should.append({"simple_query_string": {"query": " ".join(words), "fields": BOOST_FIELDS, **_SQS,
                                           "default_operator": "or"}})
    return {"window_size": RESCORE_WINDOW,
            "query": {"rescore_query": {"bool": {"should": should}}, "query_weight": 1.0,
                      "rescore_query_weight": 1.0}}


def highlight_query(q: str | None, fld: str) -> dict | None:
    """What highlighting marks in one field: the query with each Chinese word as a phrase. One query
    per field (a query naming other fields costs the highlighter several times more)."""
    if not q or not q.strip():
        return None
    return {"simple_query_string": {"query": chinese_phrases(_normal(q)), "fields": [fld], **_SQS}}


# Snippets: how many are shown, how many fragments of `text` are looked at to find them.
SNIPPETS = 3
SNIPPET_CANDIDATES = 12
# Between table cells in `text`: a blank line (text documents often put one cell per paragraph), the
# " | " of a rendered table row (services/parse/normalize/render.py), or a run of spaces or a tab (columns
# of a PDF's text). A single line break inside a stretch is a wrapped line (PDF), not a break.
_HARD_BREAK = re.compile(r"\s*(?:\n[ \t\u3000]*\n|\s\|\s| {3,}|\t)\s*")
_WRAP = re.compile(r"[ \t]*\n[ \t]*")
_ANY_BREAK = re.compile(r"\s*(?:\n|\s\|\s| {3,}|\t)\s*")
_SENTENCE = re.compile(r"[，。；！？,;]")
_MARK_TAG = re.compile(r"</?mark>")
PROSE_MIN_CHARS = 15  # a stretch shorter than this is a label, a heading or a number


def _stretches(fragment: str) -> list[str]:
    """The fragment cut at cell breaks, wrapped lines joined."""
    return [_WRAP.sub("", st) for st in _HARD_BREAK.split(fragment.strip())]


def _sentence(stretch: str) -> bool:
    plain = html.unescape(_MARK_TAG.sub("", stretch))  # fragments are HTML-escaped: &lt; is not a ";"
    return len(plain) >= PROSE_MIN_CHARS and bool(_SENTENCE.search(plain))


def is_prose(fragment: str) -> bool:
    """Does a marked word of this highlight fragment stand in a sentence (a stretch of at least
    PROSE_MIN_CHARS between cell breaks, with sentence punctuation), not in table cells or headings?"""
    return any("<mark>" in st and _sentence(st) for st in _stretches(fragment))


def trim_prose(fragment: str) -> str:
    """A prose fragment without the headings or cells it runs into: its sentences (wrapped lines
    joined), separated by a space."""
    return " ".join(st for st in _stretches(fragment) if _sentence(st))


def tidy_table_fragment(fragment: str) -> str:
    """Table text read as a row: "处理决定数量\n\n行政许可\n\n6" → "处理决定数量 | 行政许可 | 6"."""
    return _ANY_BREAK.sub(" | ", fragment.strip()).strip(" |")


def prose_first(fragments: list[str], n: int = SNIPPETS) -> list[str]:
    """The snippets of a hit: its prose fragments (document order, trimmed to their sentences); table
    fragments, tidied, only when the words occur in no prose fragment."""
    prose = [trim_prose(f) for f in fragments if is_prose(f)]
    if prose:
        return prose[:n]
    return [tidy_table_fragment(f) for f in fragments[:n]]


def facet_filters(p: SearchParams) -> dict[str, dict]:
    """One filter clause per facet the user narrowed, keyed by facet name."""
    out: dict[str, dict] = {}
    for name, values in (("province", p.province), ("city", p.city), ("county", p.county),
                         ("level", p.level), ("year", p.year), ("template", p.template),
                         ("agency_type", p.agency_type), ("rule", p.rule), ("severity", p.severity),
                         ("quality", p.quality)):
        if values:
            out[name] = {"terms": {FACETS[name]: values}}
    return out


def base_query(p: SearchParams) -> dict[str, Any]:
    """Everything but the facet filters: text, year range, figure filters, superseded."""
    must: list[dict] = []
    if p.q and p.q.strip():
        must.append(_text_clause(p.q))
    if any(not 1900 <= y <= 2999 for y in p.year):
        raise QueryError("年度应在 1900–2999 之间 / year must be between 1900 and 2999")
    filters: list[dict] = []
    if p.year_from is not None or p.year_to is not None:
        rng = {k: v for k, v in (("gte", p.year_from), ("lte", p.year_to)) if v is not None}
        filters.append({"range": {"meta.year": rng}})
    for expr in p.figure:
        filters.append(parse_figure_filter(expr))
    must_not = [] if p.include_superseded else [{"term": {"superseded": True}}]
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters, "must_not": must_not}}


def build_query(p: SearchParams) -> dict[str, Any]:
    """The whole query: base plus every facet filter (used by search hits, stats, export and timeline)."""
    q = base_query(p)
    q["bool"]["filter"] = [*q["bool"]["filter"], *facet_filters(p).values()]
    return q


FACET_FIELD = "facet"  # every facet value of a report as "name:value" (shared/es_index.py)
FACET_BUCKETS = 20000  # more than all facet values together (≈ 3,000 counties, 300 cities, …)


def facet_aggs(p: SearchParams) -> dict[str, Any]:
    """Facet counts for every filter field, as few aggregations as the selection allows. Disjunctive
    faceting: each facet counts the hits under all *other* facet filters, so picking 江苏省 still shows
    how many reports 浙江省 would add. The aggregations run over `base_query` (no facet filter); one
    terms aggregation over `facet` counts every unselected facet under all selected filters, and each
    selected facet gets one more under the others' filters."""
    chosen = facet_filters(p)
    terms = {"field": FACET_FIELD, "size": FACET_BUCKETS}
    if not chosen:
        return {"all": {"terms": terms}}
    rest = [n for n in FACETS if n not in chosen]
    aggs: dict[str, Any] = {}
    if rest:
        aggs["all"] = {"filter": {"bool": {"filter": list(chosen.values())}},
                       "aggs": {"v": {"terms": {**terms, "include": _prefixes(rest)}}}}
    for name in chosen:
        others = [c for n, c in chosen.items() if n != name]
        aggs[f"f_{name}"] = {"filter": {"bool": {"filter": others}},
                             "aggs": {"v": {"terms": {**terms, "include": _prefixes([name])}}}}
    return aggs


def _prefixes(names: list[str]) -> str:
    return "(" + "|".join(re.escape(n) for n in names) + "):.*"


def facet_counts(aggs: dict[str, Any], size: int = 100) -> dict[str, list[dict[str, Any]]]:
    """The facet aggregations' buckets as {facet: [{value, count}]}: the `size` most frequent values
    (ties by value: the terms aggregation's own order, kept), years newest first."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
    for key, agg in aggs.items():
        if key != "all" and not key.startswith("f_"):
            continue
        for b in (agg.get("v") or agg)["buckets"]:
            name, _, value = b["key"].partition(":")
            vals = found.get(name)
            if vals is not None and (name == "year" or len(vals) < size):
                vals.append({"value": int(value) if name == "year" else value, "count": b["doc_count"]})
    found["year"] = sorted(found["year"], key=lambda v: -v["value"])[:size]
    return found


def sort_clause(sort: str | None) -> list[Any]:
    """`relevance` (default), `year`, `-year`, or a cell path with optional leading `-` for descending.
    A unique tiebreaker (id) keeps search_after paging free of duplicates and gaps."""
    tiebreak = {"id": "asc"}
    if not sort or sort == "relevance":
        return [{"_score": "desc"}, {"meta.year": "desc"}, tiebreak]
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "year":
        key = "meta.year"
    elif key == "published":
        key = "meta.published"
    elif key not in cell_paths():
        raise QueryError(f"无法按 {key} 排序 / cannot sort by {key}")
    return [{key: {"order": "desc" if desc else "asc", "missing": "_last"}}, tiebreak]


def cell_label(path: str) -> str:
    """Chinese label of a table cell path: "applications.granted.total" → "三(一)予以公开 · 总计"."""
    label = cell_labels().get(path)
    return label[0] if label else path


def ordered_cell_paths() -> list[str]:
    """Every known cell path in table order (applications, review/litigation, active disclosure)."""
    return list(_ordered_cell_paths())


def check_cell_path(path: str, what: str = "figure") -> str:
    if path not in cell_paths():
        raise QueryError(f"未知的表格单元路径：{path} / unknown table cell path ({what})")
    return path
