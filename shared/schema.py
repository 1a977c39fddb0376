"""The catalogue of the record's tables, declared once as data — the one place to read (and grep) what
a report's figures are called and how they hang together.

- TABLES: the three statistical tables of a report, each with its name (zh/en), the section that holds
  it, its columns and its rows per template (keys, zh/en labels, outline numbers), hence its cell paths;
- identities: the tables' own arithmetic (APP_ROW_SUM, APP_TOTAL_SUM, APP_BALANCE, REVIEW_SUM,
  LITIGATION_SUM), as linear equations over cell paths;
- SECTIONS, FACETS (name → indexed path, labels, value labels), STATS_GROUPS and KEY_FIGURES.

Everything else derives from here: the record's key tuples (shared/record.py re-exports them), the
parser's placement and quality checks, the validation rules' labels and skip logic, the
Elasticsearch mapping's cell fields and facets (shared/es_index.py), the search API's cell paths and
labels (services/search/query.py), and the web UI, which loads `catalogue()` from GET /api/v1/schema.

The entries are frozen pydantic models, so the catalogue is served as it is declared (they are the
endpoint's response model). Chinese labels are the national templates' wording. English labels are lower-case phrases as they
read inside a sentence (a message capitalises where it starts one); section titles are titles.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

Template = Literal["2019", "2021"]
TEMPLATES: tuple[Template, ...] = ("2019", "2021")


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True)


class Heading(_Entry):
    """A heading over several columns or rows, printed in the template without cells of its own."""
    key: str                                   # a column group, or the dotted prefix of rows ("denied")
    outline: str = ""                          # its outline number, e.g. "三(三)"
    zh: str
    en: str


class Column(_Entry):
    key: str
    zh: str
    en: str
    group: str | None = None                   # the key of the heading above it (table.headings)
    money: bool = False                        # 万元, may be fractional (every other cell is a count)


class Row(_Entry):
    key: str                                   # the record's row key; dotted for sub-rows ("denied.state_secret")
    outline: str = ""                          # the template's outline number: "三(三)1", "一、"
    zh: str                                    # the template's wording, without the outline number
    en: str
    cols: tuple[str, ...]                      # its column keys, in table order
    result: bool = False                       # applications: a handling result, summed into 三(七)总计

    @computed_field  # type: ignore[prop-decorator]  # mypy does not follow pydantic's decorator on a property
    @property
    def label(self) -> str:
        """The row's label as the template prints it: "三(三)1 属于国家秘密", "一、本年新收…"."""
        sep = " " if self.outline[-1:].isdigit() else ""
        return f"{self.outline}{sep}{self.zh}"


class Table(_Entry):
    key: str                                   # the record's field: record.<key>[row][col]
    section: int                               # the report section that holds it (SECTIONS)
    zh: str                                    # the table's name
    en: str                                    # what it is about: "the <en> table" in a sentence
    columns: tuple[Column, ...]
    headings: tuple[Heading, ...] = ()
    rows: dict[Template, tuple[Row, ...]]      # per template, in table order

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def row(self, key: str) -> Row:
        """A row by key (the newest template that has it)."""
        return next(r for t in reversed(TEMPLATES) for r in self.rows[t] if r.key == key)

    def heading(self, key: str) -> Heading:
        return next(h for h in self.headings if h.key == key)

    @computed_field  # type: ignore[prop-decorator]  # mypy does not follow pydantic's decorator on a property
    @property
    def cells(self) -> dict[Template, tuple[str, ...]]:
        """Every cell path of a complete table, per template, in table order (row by row)."""
        return {t: tuple(f"{self.key}.{r.key}.{c}" for r in rows for c in r.cols) for t, rows in self.rows.items()}

    def all_cells(self) -> tuple[str, ...]:
        """The cell paths of both templates, each once: the newest template's first, in its order."""
        seen: dict[str, None] = {}
        for t in reversed(TEMPLATES):
            seen.update(dict.fromkeys(self.cells[t]))
        return tuple(seen)


class Section(_Entry):
    no: int
    zh: str
    en: str


class FacetValue(_Entry):
    zh: str
    en: str


class Facet(_Entry):
    name: str                                  # the search parameter and the key in `facet` ("province:江苏省")
    path: str                                  # the indexed field it counts and filters
    zh: str
    en: str
    values: dict[str, FacetValue] = {}         # display labels of known values (the raw value otherwise)
    show_en: bool = False                      # values shown as "zh en" (the read-quality grades)


class KeyFigure(_Entry):
    """A figure shown with every search hit (kept in the indexed `summary`) and on the timeline chart."""
    path: str
    zh: str
    en: str


# --- 二、主动公开政府信息情况 (第二十条) ------------------------------------------------------------
_AD_COLUMNS = (  # ordered so that every row of either template lists its columns in this order
    Column(key="new_made", zh="本年新制作数量", en="newly made this year"),
    Column(key="new_published", zh="本年新公开数量", en="newly published this year"),
    Column(key="total_published", zh="对外公开总数量", en="published in total"),
    Column(key="issued", zh="本年制发件数", en="issued this year"),
    Column(key="repealed", zh="本年废止件数", en="repealed this year"),
    Column(key="in_force", zh="现行有效件数", en="in force"),
    Column(key="previous_items", zh="上一年项目数量", en="items last year"),
    Column(key="change", zh="本年增/减", en="change this year"),
    Column(key="decisions", zh="处理决定数量", en="decisions"),
    Column(key="items", zh="采购项目数量", en="procurement items"),
    Column(key="amount_wan_yuan", zh="金额（万元）", en="amount (10,000 yuan)", money=True),
)
_AD_ROW: dict[str, tuple[str, str]] = {  # key → (zh, en); the same wording in both templates
    "regulations": ("规章", "regulations"),
    "normative_documents": ("行政规范性文件", "normative documents"),
    "licensing": ("行政许可", "licensing"),
    "other_services": ("其他对外管理服务事项", "other management services"),
    "punishment": ("行政处罚", "punishment"),
    "enforcement": ("行政强制", "enforcement"),
    "fees": ("行政事业性收费", "fees"),
    "procurement": ("政府集中采购", "centralised procurement"),
}


def _ad_rows(shape: dict[str, tuple[str, ...]]) -> tuple[Row, ...]:
    return tuple(Row(key=k, zh=_AD_ROW[k][0], en=_AD_ROW[k][1], cols=cols) for k, cols in shape.items())


_DOCS_2019 = ("new_made", "new_published", "total_published")
_ITEMS_2019 = ("previous_items", "change", "decisions")
_DOCS_2021 = ("issued", "repealed", "in_force")
ACTIVE_DISCLOSURE = Table(
    key="active_disclosure", section=2, zh="主动公开政府信息情况表", en="proactive disclosure",
    columns=_AD_COLUMNS,
    rows={
        "2019": _ad_rows({"regulations": _DOCS_2019, "normative_documents": _DOCS_2019, "licensing": _ITEMS_2019,
                          "other_services": _ITEMS_2019, "punishment": _ITEMS_2019, "enforcement": _ITEMS_2019,
                          "fees": ("previous_items", "change"), "procurement": ("items", "amount_wan_yuan")}),
        "2021": _ad_rows({"regulations": _DOCS_2021, "normative_documents": _DOCS_2021, "licensing": ("decisions",),
                          "punishment": ("decisions",), "enforcement": ("decisions",), "fees": ("amount_wan_yuan",)}),
    })

# --- 三、收到和处理政府信息公开申请情况 -----------------------------------------------------------
_APP_COLUMNS = (
    Column(key="natural_person", zh="自然人", en="natural persons"),
    Column(key="commercial", zh="商业企业", en="commercial enterprises", group="org"),
    Column(key="research", zh="科研机构", en="research institutions", group="org"),
    Column(key="social_welfare", zh="社会公益组织", en="public-interest organisations", group="org"),
    Column(key="legal_services", zh="法律服务机构", en="legal service agencies", group="org"),
    Column(key="other_org", zh="其他组织", en="other organisations", group="org"),
    Column(key="total", zh="总计", en="total"),
)
_APP_COL_KEYS = tuple(c.key for c in _APP_COLUMNS)
# key, outline, zh, en, result. The 2021 template splits (六)其他处理 into three sub-rows; the record
# keeps `other` as their sum (derived, never printed), after them.
_APP_ROWS_2021: tuple[tuple[str, str, str, str, bool], ...] = (
    ("new_received", "一、", "本年新收政府信息公开申请数量", "new applications received", False),
    ("carried_over", "二、", "上年结转政府信息公开申请数量", "carried over from last year", False),
    ("granted", "三(一)", "予以公开", "granted", True),
    ("partially_granted", "三(二)", "部分公开", "partially granted", True),
    ("denied.state_secret", "三(三)1", "属于国家秘密", "denied: state secret", True),
    ("denied.prohibited_by_law", "三(三)2", "其他法律行政法规禁止公开", "denied: prohibited by law", True),
    ("denied.security_stability", "三(三)3", "危及“三安全一稳定”", "denied: security and stability", True),
    ("denied.third_party_rights", "三(三)4", "保护第三方合法权益", "denied: third-party rights", True),
    ("denied.internal_affairs", "三(三)5", "属于三类内部事务信息", "denied: internal affairs", True),
    ("denied.process_information", "三(三)6", "属于四类过程性信息", "denied: process information", True),
    ("denied.enforcement_files", "三(三)7", "属于行政执法案卷", "denied: enforcement files", True),
    ("denied.administrative_query", "三(三)8", "属于行政查询事项", "denied: administrative query", True),
    ("unable.not_held", "三(四)1", "本机关不掌握相关政府信息", "unable: not held", True),
    ("unable.needs_creation", "三(四)2", "没有现成信息需要另行制作", "unable: would need creating", True),
    ("unable.unclear", "三(四)3", "补正后申请内容仍不明确", "unable: still unclear", True),
    ("not_processed.petition", "三(五)1", "信访举报投诉类申请", "not processed: petition", True),
    ("not_processed.duplicate", "三(五)2", "重复申请", "not processed: duplicate", True),
    ("not_processed.publication", "三(五)3", "要求提供公开出版物", "not processed: publication", True),
    ("not_processed.excessive", "三(五)4", "无正当理由大量反复申请", "not processed: excessive", True),
    ("not_processed.confirmation", "三(五)5", "要求行政机关确认或重新出具已获取信息", "not processed: confirmation", True),
    ("other.no_correction", "三(六)1", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "other: no correction", True),
    ("other.unpaid_fee", "三(六)2", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "other: fee unpaid", True),
    ("other.other", "三(六)3", "其他", "other: other", True),
    ("other", "三(六)", "其他处理", "other handling", True),
    ("total", "三(七)", "总计", "total", False),
    ("carried_forward", "四、", "结转下年度继续办理", "carried forward to next year", False),
)
_APP_SUBROWS_2021 = ("other.no_correction", "other.unpaid_fee", "other.other")


def _app_rows(subrows: bool) -> tuple[Row, ...]:
    return tuple(Row(key=k, outline=o, zh=zh, en=en, cols=_APP_COL_KEYS, result=res)
                 for k, o, zh, en, res in _APP_ROWS_2021 if subrows or k not in _APP_SUBROWS_2021)


APPLICATIONS = Table(
    key="applications", section=3, zh="收到和处理政府信息公开申请情况表", en="applications",
    columns=_APP_COLUMNS,
    headings=(Heading(key="org", zh="法人或其他组织", en="legal persons or other organisations"),
              Heading(key="denied", outline="三(三)", zh="不予公开", en="denied"),
              Heading(key="unable", outline="三(四)", zh="无法提供", en="unable to provide"),
              Heading(key="not_processed", outline="三(五)", zh="不予处理", en="not processed")),
    rows={"2019": _app_rows(False), "2021": _app_rows(True)})

# --- 四、政府信息公开行政复议、行政诉讼情况 ------------------------------------------------------
_RL_COLUMNS = (
    Column(key="upheld", zh="结果维持", en="upheld"),
    Column(key="corrected", zh="结果纠正", en="corrected"),
    Column(key="other", zh="其他结果", en="other result"),
    Column(key="pending", zh="尚未审结", en="pending"),
    Column(key="total", zh="总计", en="total"),
)
_RL_ROWS = tuple(Row(key=k, zh=zh, en=en, cols=tuple(c.key for c in _RL_COLUMNS)) for k, zh, en in (
    ("review", "行政复议", "administrative review"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）", "litigation without prior review"),
    ("litigation_after_review", "行政诉讼（复议后起诉）", "litigation after review"),
))
REVIEW_LITIGATION = Table(
    key="review_litigation", section=4, zh="政府信息公开行政复议、行政诉讼情况表", en="review and litigation",
    columns=_RL_COLUMNS, rows={"2019": _RL_ROWS, "2021": _RL_ROWS})

# In section order, as in the record (record.cell_paths, BAD_VALUE, MISSING_TABLE, the quality grade).
TABLES: tuple[Table, ...] = (ACTIVE_DISCLOSURE, APPLICATIONS, REVIEW_LITIGATION)
TABLE: dict[str, Table] = {t.key: t for t in TABLES}
# The order figures are listed in for people (export columns, stats and timeline): the most asked first.
FIGURE_ORDER: tuple[str, ...] = ("applications", "review_litigation", "active_disclosure")

SECTIONS: tuple[Section, ...] = (
    Section(no=1, zh="总体情况", en="General situation"),
    Section(no=2, zh="主动公开政府信息情况", en="Proactive disclosure"),
    Section(no=3, zh="收到和处理政府信息公开申请情况", en="Applications received and handled"),
    Section(no=4, zh="政府信息公开行政复议、行政诉讼情况", en="Administrative review and litigation"),
    Section(no=5, zh="存在的主要问题及改进情况", en="Main problems and improvements"),
    Section(no=6, zh="其他需要报告的事项", en="Other matters"),
)


def _values(**labels: tuple[str, str]) -> dict[str, FacetValue]:
    return {k.lstrip("_"): FacetValue(zh=zh, en=en) for k, (zh, en) in labels.items()}


# Rule ids (docs/validation.md) as the facet `rule` shows them.
RULE_NAMES = _values(
    APP_BALANCE=("申请数收支不平衡", "applications do not balance"),
    APP_ROW_SUM=("申请行合计不符", "application row does not add up"),
    APP_TOTAL_SUM=("办理结果合计不符", "handling results do not add up"),
    REVIEW_SUM=("行政复议合计不符", "administrative review does not add up"),
    LITIGATION_SUM=("行政诉讼合计不符", "litigation does not add up"),
    NARRATIVE_MISMATCH=("正文与表格不一致", "text and table disagree"),
    TEMPLATE_MISMATCH=("模板与年度不符", "template does not fit the year"),
    MISSING_SECTION=("缺少章节", "section missing"),
    MISSING_TABLE=("缺少表格", "table missing"),
    INCOMPLETE_TABLE=("表格不完整", "table incomplete"),
    BAD_VALUE=("数值异常", "invalid value"),
    PLAUSIBILITY=("数值存疑", "implausible value"),
    EMPTY_CELLS=("空白单元格", "blank cells"),
    CROSS_YEAR=("跨年度不一致", "inconsistent with the previous year"),
    LATE_PUBLICATION=("逾期发布", "published late"),
    YOY_JUMP=("数据同比突变", "figure jumped from the previous year"),
    AMBIGUOUS_CELLS=("单元格有歧义", "ambiguous cells"),
    OCR_UNREADABLE=("OCR 未能识别", "not read by OCR"),
)

# Facets: name → indexed path. Each report's values also go into `facet` as "name:value" (es_index).
FACETS: tuple[Facet, ...] = (
    Facet(name="province", path="meta.region.province", zh="省份", en="province"),
    Facet(name="city", path="meta.region.city", zh="城市", en="city"),
    Facet(name="county", path="meta.region.county", zh="县区", en="county"),
    Facet(name="level", path="meta.level", zh="层级", en="level", values=_values(
        province=("省级", "province"), city=("市级", "city"), county=("县级", "county"),
        township=("乡镇（街道）", "township (subdistrict)"))),
    Facet(name="year", path="meta.year", zh="年度", en="year"),
    Facet(name="template", path="meta.template", zh="表格模板", en="template", values=_values(
        _2019=("2019 版", "2019 template"), _2021=("2021 版", "2021 template"))),
    Facet(name="agency_type", path="meta.agency_type", zh="机关类型", en="body type"),
    Facet(name="rule", path="findings.rule", zh="问题规则", en="finding rule", values=RULE_NAMES),
    Facet(name="severity", path="findings.severity", zh="问题级别", en="severity", values=_values(
        error=("错误", "error"), warning=("警告", "warning"), info=("提示", "info"))),
    Facet(name="quality", path="quality.grade", zh="读取质量", en="read quality", show_en=True, values=_values(
        complete=("完整", "complete"), partial=("部分可读", "partial"), unreadable=("无法读取", "unreadable"))),
)
FACET: dict[str, Facet] = {f.name: f for f in FACETS}
# The facets the stats endpoint can group by (the ones that make sense as axes), in the UI's order.
STATS_GROUPS: tuple[str, ...] = ("province", "city", "county", "level", "year", "agency_type", "template")

KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure(path="applications.new_received.total", zh="新收申请", en="new applications"),
    KeyFigure(path="applications.granted.total", zh="予以公开", en="granted"),
    KeyFigure(path="applications.total.total", zh="办理总计", en="handled in total"),
    KeyFigure(path="review_litigation.review.total", zh="行政复议", en="administrative reviews"),
    KeyFigure(path="review_litigation.litigation_direct.total", zh="行政诉讼", en="lawsuits"),
)


# --- derived: cell paths and labels ----------------------------------------------------------------
_CELLS: dict[tuple[str, str], tuple[str, ...]] = {(t.key, tpl): cells for t in TABLES for tpl, cells in t.cells.items()}


def table_cells(table: str, template: str | None) -> tuple[str, ...]:
    """Every cell path a complete table of this template has (an unknown template: the 2021 shape)."""
    return _CELLS[table, "2019" if template == "2019" else "2021"]


@cache
def ordered_cell_paths() -> tuple[str, ...]:
    """Every cell path of both templates, each once, in FIGURE_ORDER and table order."""
    return tuple(p for t in FIGURE_ORDER for p in TABLE[t].all_cells())


@cache
def cell_path_set() -> frozenset[str]:
    return frozenset(ordered_cell_paths())


def split_path(path: str) -> tuple[str, str, str]:
    """"applications.denied.state_secret.total" → ("applications", "denied.state_secret", "total")."""
    table, rest = path.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return table, row, col


@cache
def cell_labels() -> dict[str, tuple[str, str]]:
    """Every cell path → (zh, en) label: "三(一)予以公开 · 总计", "granted · total"."""
    out: dict[str, tuple[str, str]] = {}
    for path in ordered_cell_paths():
        table, row, col = split_path(path)
        r, c = TABLE[table].row(row), TABLE[table].column(col)
        out[path] = (f"{r.label} · {c.zh}", f"{r.en} · {c.en}")
    return out


def cap(en: str) -> str:
    """An English label at the start of a sentence."""
    return en[:1].upper() + en[1:]


# --- the record's key tuples (shared/record.py re-exports them) -------------------------------------
APP_COLS: tuple[str, ...] = _APP_COL_KEYS
APP_ORG_COLS: tuple[str, ...] = tuple(c.key for c in _APP_COLUMNS if c.group == "org")
APP_ROW_LABELS: dict[str, str] = {r.key: r.label for r in APPLICATIONS.rows["2021"]}
APP_OTHER_SUBROWS: tuple[str, ...] = tuple(k for k in APP_ROW_LABELS
                                           if k not in {r.key for r in APPLICATIONS.rows["2019"]})
# Rows present in each template, in table order ("other" in 2021 = sum of its three sub-rows).
APP_ROWS_2019: tuple[str, ...] = tuple(r.key for r in APPLICATIONS.rows["2019"])
APP_ROWS_2021: tuple[str, ...] = tuple(r.key for r in APPLICATIONS.rows["2021"])
# The result rows whose sum is 三(七)总计 (APP_TOTAL_SUM): granted … other.
APP_RESULT_ROWS: tuple[str, ...] = tuple(r.key for r in APPLICATIONS.rows["2019"] if r.result)
RL_GROUPS: tuple[str, ...] = tuple(r.key for r in _RL_ROWS)
RL_COLS: tuple[str, ...] = tuple(c.key for c in _RL_COLUMNS)
AD_KEYS: dict[str, dict[str, tuple[str, ...]]] = {t: {r.key: r.cols for r in ACTIVE_DISCLOSURE.rows[t]}
                                                  for t in TEMPLATES}
AD_2019 = AD_KEYS["2019"]
AD_2021 = AD_KEYS["2021"]
SECTION_TITLES: dict[int, str] = {s.no: s.zh for s in SECTIONS}


# --- identities: the tables' own arithmetic ---------------------------------------------------------
# Each identity is a linear equation over cell paths (sum of coef × cell = 0). The parser uses them to
# place numbers whose column the layout does not fix (services/parse/parser/placement.py); the
# validation rules check the same identities (services/validate/rules/) and skip an identity that holds
# a cell the parser could not place. The ids are the rule ids of the spec.
APP_PART_COLS: tuple[str, ...] = APP_COLS[:6]   # natural_person + the five organisation columns
RL_PARTS: tuple[str, ...] = RL_COLS[:4]         # upheld, corrected, other, pending


@dataclass(frozen=True)
class Identity:
    id: str                              # the rule id that checks it: APP_ROW_SUM, APP_BALANCE, …
    where: str                           # the cell a finding points at (the identity's total)
    terms: tuple[tuple[str, int], ...]   # (cell path, coefficient); the sum of coef × value is 0

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.terms)


def _app(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def app_rows(two_level_other: bool) -> tuple[str, ...]:
    """The rows of the applications table: 2021 splits (六) into three sub-rows, 2019 does not. (A
    2021-template report that prints (六) as one row has the 2019 rows: the shape goes by what is printed.)"""
    return APP_ROWS_2021 if two_level_other else APP_ROWS_2019


@cache
def app_identities(two_level_other: bool) -> tuple[Identity, ...]:
    """APP_ROW_SUM per row, APP_TOTAL_SUM and APP_BALANCE per column. With the 2021 sub-rows the
    sum of results counts the sub-rows (the record's `other` row is their sum, derived, never printed)."""
    out: list[Identity] = []
    rows = app_rows(two_level_other)
    for row in rows:
        if two_level_other and row == "other":
            continue
        out.append(Identity("APP_ROW_SUM", _app(row, "total"),
                            (*((_app(row, c), 1) for c in APP_PART_COLS), (_app(row, "total"), -1))))
    results = [r for r in APP_RESULT_ROWS if r != "other"]
    results += list(APP_OTHER_SUBROWS) if two_level_other else ["other"]
    for col in APP_COLS:
        out.append(Identity("APP_TOTAL_SUM", _app("total", col),
                            (*((_app(r, col), 1) for r in results), (_app("total", col), -1))))
        out.append(Identity("APP_BALANCE", _app("total", col),
                            ((_app("new_received", col), 1), (_app("carried_over", col), 1),
                             (_app("total", col), -1), (_app("carried_forward", col), -1))))
    return tuple(out)


@cache
def rl_identities() -> tuple[Identity, ...]:
    """Per group of the review/litigation table: upheld + corrected + other + pending = total."""
    out = []
    for g in RL_GROUPS:
        rule = "REVIEW_SUM" if g == "review" else "LITIGATION_SUM"
        out.append(Identity(rule, f"review_litigation.{g}.total",
                            (*((f"review_litigation.{g}.{c}", 1) for c in RL_PARTS),
                             (f"review_litigation.{g}.total", -1))))
    return tuple(out)


def identities_of(table: str, two_level_other: bool = False) -> tuple[Identity, ...]:
    if table == "applications":
        return app_identities(two_level_other)
    if table == "review_litigation":
        return rl_identities()
    return ()  # 主动公开: no identity holds across its cells


# --- the catalogue as served (GET /api/v1/schema) ---------------------------------------------------
class IdentityInfo(_Entry):
    id: str
    where: str
    terms: list[tuple[str, int]]


class CellInfo(_Entry):
    path: str
    zh: str                                    # "三(一)予以公开 · 总计"
    en: str                                    # "granted · total"


class Catalogue(_Entry):
    """The whole catalogue: what the UI renders tables, labels, facets and key figures from."""
    templates: tuple[Template, ...]
    tables: tuple[Table, ...]
    cells: tuple[CellInfo, ...]                # every cell path of both templates, in figure_order
    identities: dict[str, dict[Template, list[IdentityInfo]]]  # table → template → identities
    sections: tuple[Section, ...]
    facets: tuple[Facet, ...]
    stats_groups: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    figure_order: tuple[str, ...]              # the tables in the order figures are listed for people


@cache
def catalogue() -> Catalogue:
    return Catalogue(
        templates=TEMPLATES, tables=TABLES,
        cells=tuple(CellInfo(path=p, zh=zh, en=en) for p, (zh, en) in cell_labels().items()),
        identities={t.key: {tpl: [IdentityInfo(id=i.id, where=i.where, terms=list(i.terms))
                                  for i in identities_of(t.key, tpl == "2021")] for tpl in TEMPLATES}
                    for t in TABLES},
        sections=SECTIONS, facets=FACETS, stats_groups=STATS_GROUPS, key_figures=KEY_FIGURES,
        figure_order=FIGURE_ORDER)
