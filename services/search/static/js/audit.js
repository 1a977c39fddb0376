// The audit page (年报审核): pick a region (province, then optionally city and county) and a year → every
// body's report with its findings and read quality, the counts by rule, the bodies that reported the year
// before but not this year, CSV / Excel downloads and a printable layout. State lives in the URL.
// Everything from a report reaches the page as text (el()), never as HTML.
import { api, el, fill, fmt, header, keyFigures, loadSchema, qualityBadge, ruleLabel, showError, valueLabel } from "./common.js";

const app = document.getElementById("app");
const FIELDS = ["province", "city", "county", "year"];

function params() { return new URLSearchParams(location.search); }

function navigate(p) {
  for (const k of [...p.keys()]) if (!FIELDS.includes(k) || !p.get(k)) p.delete(k);
  history.pushState(null, "", p.toString() ? `/audit.html?${p}` : "/audit.html");
  main();
}

/** Facet values (value, count) of the reports matching `filters`, from the search API's facets. */
async function facetValues(filters) {
  const q = new URLSearchParams(filters);
  q.set("size", "0");
  return (await api("/api/v1/search", q)).facets || {};
}

function picker(id, label, values, value, emptyText) {
  const options = [el("option", { value: "", text: emptyText })];
  const known = new Set();
  for (const v of values) {
    known.add(String(v.value));
    options.push(el("option", { value: v.value, text: `${valueLabel(id, v.value)}（${v.count}）`, selected: String(v.value) === value }));
  }
  if (value && !known.has(value)) options.push(el("option", { value, text: value, selected: true }));
  return el("label", {}, label, " ", el("select", { id: `audit-${id}`, name: id }, options));
}

async function form(p) {
  const province = p.get("province") || "";
  const city = p.get("city") || "";
  const all = await facetValues({});
  const inProvince = province ? await facetValues({ province }) : {};
  const inCity = province && city ? await facetValues({ province, city }) : {};
  const region = city ? inCity : province ? inProvince : all;
  const years = [...(region.year || [])].sort((a, b) => Number(b.value) - Number(a.value));
  const node = el("form", { id: "audit-form", class: "auditform", onsubmit: (e) => {
    e.preventDefault();
    const np = new URLSearchParams();
    for (const k of FIELDS) {
      const v = node.querySelector(`#audit-${k}`).value;
      if (v) np.set(k, v);
    }
    navigate(np);
  } },
  picker("province", "省", all.province || [], province, "（选择省份）"),
  picker("city", "市", province ? inProvince.city || [] : [], city, "（全部）"),
  picker("county", "县区", province ? (city ? inCity.county : inProvince.county) || [] : [], p.get("county") || "", "（全部）"),
  picker("year", "年度", years, p.get("year") || "", "（选择年度）"),
  el("button", { type: "submit", id: "audit-go", text: "审核 / Audit" }));
  // A narrower choice no longer fits once a wider one changes: reset it and reload the options.
  const reset = (k, below) => node.querySelector(`#audit-${k}`).addEventListener("change", () => {
    const np = new URLSearchParams();
    for (const f of FIELDS) {
      const v = node.querySelector(`#audit-${f}`).value;
      if (v && !below.includes(f)) np.set(f, v);
    }
    navigate(np);
  });
  reset("province", ["city", "county"]);
  reset("city", ["county"]);
  return node;
}

function regionName(a) {
  return [a.province, a.city, a.county].filter(Boolean).join(" · ");
}

function summary(a) {
  const s = a.summary;
  const item = (id, zh, n) => el("span", { id }, `${zh} `, el("b", { text: n }));
  return el("p", { id: "audit-summary", class: "audit-summary" },
    item("sum-reports", "年报 reports", s.reports), item("sum-errors", "有错误 with errors", s.with_errors),
    item("sum-warnings", "仅有警告 warnings only", s.with_warnings), item("sum-clean", "无问题 clean", s.clean),
    item("sum-incomplete", "数据不完整 incomplete", s.incomplete), item("sum-late", "逾期发布 late", s.late),
    item("sum-missing", "应报未报 missing", s.missing));
}

function downloads(p) {
  const q = new URLSearchParams();
  for (const k of FIELDS) if (p.get(k)) q.set(k, p.get(k));
  return el("div", { class: "actions" },
    el("a", { id: "audit-csv", href: `/api/v1/audit.csv?${q}`, download: "", text: "导出 CSV" }),
    el("a", { id: "audit-xlsx", href: `/api/v1/audit.xlsx?${q}`, download: "", text: "导出 Excel" }),
    el("button", { type: "button", id: "audit-print", class: "secondary", text: "打印 / Print", onclick: () => window.print() }));
}

function rulesTable(a) {
  if (!a.rules.length) return el("p", { id: "audit-rules", class: "ok", text: "没有发现问题 / no findings" });
  return el("table", { class: "data", id: "audit-rules" },
    el("thead", {}, el("tr", {}, ["规则", "规则编号", "级别", "年报数", "问题条数"].map((t) => el("th", { text: t })))),
    el("tbody", {}, a.rules.map((r) => el("tr", { "data-rule": r.rule },
      el("td", { text: `${r.zh} / ${r.en}` }), el("td", { text: r.rule }),
      el("td", { class: `sev-${r.severity}`, text: valueLabel("severity", r.severity) }),
      el("td", { class: "num", text: r.reports }), el("td", { class: "num", text: r.findings })))));
}

function findingsList(fs) {
  if (!fs.length) return el("span", { class: "ok", text: "无 / none" });
  return el("ul", { class: "findings" }, fs.map((f) => el("li", { class: f.severity, "data-rule": f.rule },
    el("span", { class: "sev", text: `${valueLabel("severity", f.severity)} · ${ruleLabel(f.rule)}` }), f.message)));
}

function reportsTable(a) {
  if (!a.reports.length) return el("p", { id: "audit-reports", class: "muted", text: "该地区该年度没有年报 / no reports for this region and year" });
  const figs = keyFigures();
  return el("table", { class: "data audit-reports", id: "audit-reports" },
    el("thead", {}, el("tr", {},
      ["机关", "地区", "层级", "发布日期", "读取质量", ...figs.map((k) => k.zh), "错误", "警告", "提示", "问题"].map((t) => el("th", { text: t })))),
    el("tbody", {}, a.reports.map((r) => el("tr", { "data-id": r.id },
      el("td", { class: "agency" }, el("a", { href: `/report.html?id=${encodeURIComponent(r.id)}`, text: r.agency || r.title || "机关未知 / unknown body" })),
      el("td", { text: [r.province, r.city, r.county].filter(Boolean).join(" · ") }),
      el("td", { text: r.level ? valueLabel("level", r.level) : "—" }),
      el("td", { text: r.published || "未知" }),
      el("td", {}, r.quality ? qualityBadge(r.quality.grade, r.quality.cells_unknown) : "未评定"),
      figs.map((k) => el("td", { class: "num", text: fmt(r.figures[k.path]) })),
      el("td", { class: "num", text: r.errors }), el("td", { class: "num", text: r.warnings }),
      el("td", { class: "num", text: r.infos }),
      el("td", { class: "findings-cell" }, findingsList(r.findings))))));
}

function missingTable(a) {
  if (!a.missing.length) return el("p", { id: "audit-missing", class: "ok", text: `${a.year - 1} 年度报送过年报的机关本年度均已报送 / every body that reported for ${a.year - 1} has reported` });
  return el("table", { class: "data", id: "audit-missing" },
    el("thead", {}, el("tr", {}, ["机关", "地区", `${a.year - 1} 年度年报`].map((t) => el("th", { text: t })))),
    el("tbody", {}, a.missing.map((m) => el("tr", { class: "missing", "data-key": m.agency_key },
      el("td", { text: m.agency || m.agency_key }),
      el("td", { text: [m.province, m.city, m.county].filter(Boolean).join(" · ") }),
      el("td", {}, el("a", { href: `/report.html?id=${encodeURIComponent(m.previous_id)}`, text: m.previous_title || m.previous_id }))))));
}

async function main() {
  const p = params();
  fill(app, header("audit"), el("main", { id: "audit", class: "audit" }, el("p", { class: "muted", text: "加载中…" })));
  const box = document.getElementById("audit");
  try {
    await loadSchema();
    const f = await form(p);
    const intro = el("p", { class: "muted", text: "选择地区与年度：列出该地区每个机关的年报、发现的问题与读取质量，以及上一年度报送、本年度未报送的机关。"
      + " / Pick a region and a year: every body's report with its findings and read quality, and the bodies that reported the year before but not this year." });
    if (!p.get("province") || !p.get("year")) {
      fill(box, el("h1", { text: "年报审核 / Audit" }), intro, f);
      return;
    }
    fill(box, el("h1", { text: "年报审核 / Audit" }), f, el("p", { class: "muted", text: "加载中…" }));
    const a = await api("/api/v1/audit", new URLSearchParams([...p].filter(([k]) => FIELDS.includes(k))));
    fill(box,
      el("h1", { id: "audit-title", text: `${regionName(a)} ${a.year} 年度政府信息公开工作年度报告审核` }),
      el("p", { class: "print-title", text: `导出时间 / printed: ${new Date().toLocaleString("zh-CN")} · ${location.href}` }),
      f, summary(a), downloads(p),
      el("h2", { text: "按规则计数 / Findings by rule" }), rulesTable(a),
      el("h2", { text: `年报（${a.reports.length}） / Reports` }), reportsTable(a),
      el("h2", { text: `应报未报（${a.missing.length}） / Expected but missing` }),
      el("p", { class: "muted", text: `${a.year - 1} 年度在本地区有年报、${a.year} 年度没有年报的机关 / bodies with a report for ${a.year - 1} in this region and none for ${a.year}` }),
      missingTable(a));
  } catch (err) {
    showError(box, err);
  }
}

window.addEventListener("popstate", main);
main();
