// The report page: metadata, read quality, findings, the six sections, the three tables (cells named by
// a finding are marked with its message; cells whose position is unknown show "?", inferred cells are
// marked; cells a user corrected are marked with their history, js/corrections.js), a chart of
// applications by outcome, the report's corrections, in-place editing with a `correct` key, and a link
// to the original.
import { api, chart, el, fill, fmt, header, loadSchema, qualityBadge, regionText, reportTitle, ruleLabel, schema, showError, table,
  valueLabel } from "./common.js";
import { correctedTitle, editPanel, historyBlock } from "./corrections.js";

const app = document.getElementById("app");
const id = new URLSearchParams(location.search).get("id") || "";

const NUMERALS = "一二三四五六七八九";

/**
 * Outcome groups of the applications table for the chart, from the catalogue: each result row, its
 * sub-rows under their heading (row key prefix → label: granted 予以公开 … denied 不予公开 … other 其他处理).
 */
function outcomes() {
  const apps = table("applications");
  const out = new Map();
  for (const r of apps.rows["2019"].filter((x) => x.result)) {
    const prefix = r.key.split(".")[0];
    if (!out.has(prefix)) out.set(prefix, r.key.includes(".") ? apps.headings.find((h) => h.key === prefix).zh : r.zh);
  }
  return [...out];
}

function findingsByPath(record) {
  const m = new Map();
  for (const f of record.findings || []) {
    if (!f.where) continue;
    if (!m.has(f.where)) m.set(f.where, []);
    m.get(f.where).push(f);
  }
  return m;
}

const UNKNOWN_TITLE = "未能确定位置 / position not certain";
const INFERRED_TITLE = "由表内勾稽关系推出 / inferred from the table's identities";

/**
 * One table cell. Provenance first: a cell whose position the document does not fix shows "?" (its
 * value is null, and "—" would read as "the report states nothing here"); an inferred cell is marked
 * with the identities it came from. A cell named by findings gets class "flagged" and their messages.
 */
function cell(record, flagged, path, value) {
  const raw = (record.raw_cells || {})[path];
  const prov = (record.provenance || {})[path];
  const titles = [];
  let content;
  if (prov && prov.source === "unknown") {
    content = el("span", { class: "unknown-mark", text: "?" });
    titles.push(UNKNOWN_TITLE);
  } else {
    content = value === null || value === undefined ? el("span", { class: "null", text: raw ?? "—" }) : fmt(value);
    if (prov && prov.source === "inferred") {
      titles.push(prov.by && prov.by.length ? `${INFERRED_TITLE}：${prov.by.join("、")}` : INFERRED_TITLE);
    }
  }
  const ocr = (record.ocr_confidence || {})[path];
  if (ocr !== undefined) titles.push(`OCR 识别，置信度 ${ocr.toFixed(2)} / read by OCR, confidence ${ocr.toFixed(2)}`);
  const td = el("td", { "data-path": path, class: "num" }, content);
  if (ocr !== undefined) td.dataset.ocr = String(ocr);
  if (prov && prov.source !== "read") {
    td.classList.add(`prov-${prov.source}`);
    td.dataset.source = prov.source;
  }
  if (prov && prov.source === "corrected") {
    titles.push(correctedTitle(record, path));
    td.append(el("span", { class: "corr-mark", text: "改" }));
  }
  const fs = flagged.get(path);
  if (fs) {
    const msg = fs.map((f) => f.message).join("\n");
    td.classList.add("flagged", fs.some((f) => f.severity === "error") ? "error" : "warning");
    titles.push(msg);
    td.append(el("span", { class: "flag-note", text: fs.map((f) => ruleLabel(f.rule)).join("、") }));
  }
  if (titles.length) {
    td.title = titles.join("\n");
    const shown = prov && prov.source === "unknown" ? "?" : fmt(value);
    td.setAttribute("aria-label", `${shown}（${titles.join("；")}）`);
  }
  return td;
}

/** The read-quality block: badge, cell counts and the reasons (one "中文 / English" line each). */
function qualityBlock(record) {
  const q = record.quality;
  if (!q) {
    // Indexed before reports were graded: say so rather than imply the tables were read completely.
    return el("div", { id: "quality", class: "quality muted" },
      "读取质量：未评定（该记录早于读取质量评定，重新处理后评定） / read quality: not graded (the record predates grading; reprocessing grades it)");
  }
  const counts = [["已读出 read", q.cells_read], ["推出 inferred", q.cells_inferred],
    ["未能确定 unknown", q.cells_unknown], ["找到表格 tables found", `${q.tables_found} / 3`]];
  return el("div", { id: "quality", class: `quality q-${q.grade}` },
    el("div", { class: "quality-head" }, "读取质量 / read quality ", qualityBadge(q.grade, q.cells_unknown),
      el("span", { class: "quality-counts" },
        counts.map(([k, v]) => el("span", { "data-count": k.split(" ")[1] }, `${k}：`, el("b", { text: v }))))),
    (q.reasons || []).length
      ? el("ul", { id: "quality-reasons", class: "quality-reasons" }, q.reasons.map((r) => el("li", { text: r })))
      : null);
}

/** A row header; a finding that names the whole row ("applications.total") marks it. */
function rowHead(flagged, path, label) {
  const th = el("th", { scope: "row", "data-path": path, text: label });
  const fs = flagged.get(path);
  if (fs) {
    th.classList.add("flagged", fs.some((f) => f.severity === "error") ? "error" : "warning");
    th.title = fs.map((f) => f.message).join("\n");
    th.append(el("span", { class: "flag-note", text: fs.map((f) => ruleLabel(f.rule)).join("、") }));
  }
  return th;
}

function templateOf(record) {
  return record.meta.template === "2019" ? "2019" : "2021";
}

/** A table's column heads; a heading over grouped columns (法人或其他组织) spans them, the rest span two rows. */
function columnHeads(t, corner) {
  const cols = t.columns;
  if (!cols.some((c) => c.group)) {
    return el("thead", {}, el("tr", {}, el("th", { text: corner }), cols.map((c) => el("th", { text: c.zh }))));
  }
  const top = [el("th", { rowspan: 2, text: corner })];
  const sub = [];
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!c.group) { top.push(el("th", { rowspan: 2, text: c.zh })); continue; }
    let n = 0;
    for (; i + n < cols.length && cols[i + n].group === c.group; n++) sub.push(el("th", { text: cols[i + n].zh }));
    top.push(el("th", { colspan: n, text: t.headings.find((h) => h.key === c.group).zh }));
    i += n - 1;
  }
  return el("thead", {}, el("tr", {}, top), el("tr", {}, sub));
}

function applicationsTable(record, flagged) {
  const t = table("applications");
  const apps = record.applications || {};
  return el("table", { class: "data", id: "table-applications" },
    columnHeads(t, "项目"),
    el("tbody", {}, t.rows[templateOf(record)].map((r) => el("tr", { class: r.key.includes(".") ? "sub" : "" },
      rowHead(flagged, `applications.${r.key}`, r.label),
      t.columns.map((c) => cell(record, flagged, `applications.${r.key}.${c.key}`, (apps[r.key] || {})[c.key]))))));
}

function reviewTable(record, flagged) {
  const t = table("review_litigation");
  const rl = record.review_litigation || {};
  return el("table", { class: "data", id: "table-review_litigation" },
    columnHeads(t, ""),
    el("tbody", {}, t.rows[templateOf(record)].map((g) => el("tr", {},
      rowHead(flagged, `review_litigation.${g.key}`, g.label),
      t.columns.map((c) => cell(record, flagged, `review_litigation.${g.key}.${c.key}`, (rl[g.key] || {})[c.key]))))));
}

function disclosureTable(record, flagged) {
  const t = table("active_disclosure");
  const rows = t.rows[templateOf(record)];
  const ad = record.active_disclosure || {};
  const keys = [];  // the columns this template uses, in the order its rows list them
  for (const r of rows) for (const c of r.cols) if (!keys.includes(c)) keys.push(c);
  const cols = keys.map((k) => t.columns.find((c) => c.key === k));
  return el("table", { class: "data", id: "table-active_disclosure" },
    el("thead", {}, el("tr", {}, el("th", { text: "信息内容" }), cols.map((c) => el("th", { text: c.zh })))),
    el("tbody", {}, rows.map((r) => el("tr", {},
      rowHead(flagged, `active_disclosure.${r.key}`, r.label),
      cols.map((c) => r.cols.includes(c.key)
        ? cell(record, flagged, `active_disclosure.${r.key}.${c.key}`, (ad[r.key] || {})[c.key])
        : el("td", { class: "na" }))))));
}

/** A table's heading: its section's number and title ("三、收到和处理政府信息公开申请情况"). */
function tableHeading(key) {
  const sec = schema().sections.find((s) => s.no === table(key).section);
  return el("h2", { text: `${NUMERALS[sec.no - 1]}、${sec.zh}` });
}

function outcomeChart(node, record) {
  const apps = record.applications || {};
  const data = outcomes().map(([prefix, name]) => {
    let v = 0;
    for (const [k, row] of Object.entries(apps)) {
      // "other" (2019, and the 2021 sum row) but not its sub-rows, to count each application once.
      const match = prefix === "other" ? k === "other" : (k === prefix || k.startsWith(prefix + "."));
      if (!match || !row) continue;
      // The row total, or the sum of its stated cells when the total was left blank.
      if (typeof row.total === "number") v += row.total;
      else v += Object.entries(row).reduce((a, [c, x]) => a + (c !== "total" && typeof x === "number" ? x : 0), 0);
    }
    return { name, value: v };
  });
  if (!data.some((d) => d.value > 0)) {
    fill(node, el("p", { class: "muted nochart", text: "申请办理结果：本年度无可统计的申请。" }));
    return;
  }
  chart(node, {
    title: { text: "申请办理结果", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.filter((d) => d.value > 0), label: { formatter: "{b}\n{c}" } }],
  });
}

/** Which pages of a scan OCR read, by what, how sure it was, and the pages it could not read. */
function ocrText(ocr) {
  if (!ocr) return null;
  const pages = ocr.pages.map((p) => p + 1).join("、");
  const parts = [`第 ${pages} 页 / pages ${pages}`, ocr.engine];
  if (ocr.mean_confidence !== null && ocr.mean_confidence !== undefined) {
    parts.push(`平均置信度 / mean confidence ${ocr.mean_confidence.toFixed(2)}`);
  }
  if (ocr.low_confidence_cells) parts.push(`${ocr.low_confidence_cells} 个单元格未能识别 / cells not read`);
  for (const f of ocr.failed_pages || []) parts.push(f.message);
  return parts.join(" · ");
}

function metaList(record) {
  const m = record.meta || {};
  const src = m.source || {};
  const items = [["机关", m.agency], ["年度", m.year], ["地区", regionText(m)], ["层级", m.level && valueLabel("level", m.level)],
    ["机关类型", m.agency_type], ["表格模板", m.template && valueLabel("template", m.template)], ["发布日期", m.published],
    ["来源格式", [src.format, src.encoding, src.traditional ? "繁体" : null].filter(Boolean).join(" · ")],
    ["OCR 识别", ocrText(src.ocr)],
    ["原文件名", src.filename], ["解析版本", record.parser_version], ["编号", record.id]];
  return el("dl", { class: "metalist" }, items.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v }))));
}

function findingsList(record) {
  const fs = record.findings || [];
  if (!fs.length) return el("p", { class: "ok", text: "未发现问题。" });
  return el("ul", { class: "findings", id: "findings" }, fs.map((f) => el("li", { class: f.severity },
    el("span", { class: "sev", text: valueLabel("severity", f.severity) }),
    el("strong", { text: ruleLabel(f.rule) }), " ", el("code", { text: f.rule }), " ",
    el("span", { class: "msg", text: f.message }),
    f.where ? el("a", { href: `#cell-${f.where}`, class: "where", text: f.where,
      onclick: (e) => { e.preventDefault(); const td = document.querySelector(`td[data-path="${CSS.escape(f.where)}"]`);
        if (td) { td.scrollIntoView({ block: "center" }); td.classList.add("pulse"); setTimeout(() => td.classList.remove("pulse"), 1500); } } }) : null)));
}

async function run() {
  fill(app, header(""), el("main", { id: "report", class: "report" }, el("p", { class: "muted", text: "加载中…" })));
  const main = document.getElementById("report");
  try {
    const [record] = await Promise.all([api(`/api/v1/reports/${encodeURIComponent(id)}`), loadSchema()]);
    const m = record.meta || {};
    document.title = `${reportTitle(m)} · 年报检索`;
    const flagged = findingsByPath(record);
    const sections = [...(record.sections || [])].sort((a, b) => a.no - b.no);
    const chartBox = el("div", { id: "chart-outcomes", class: "chart" });
    const panel = editPanel(record, main, run);
    fill(main, 
      el("h1", { id: "title", text: reportTitle(m) }),
      record.superseded ? el("p", { class: "notice", text: "该年报已被同一机关同年度的新版本取代。" }) : null,
      qualityBlock(record),
      el("div", { class: "links" },
        el("a", { id: "original", href: `/api/v1/reports/${encodeURIComponent(record.id)}/original`, text: "查看原始文件" }),
        m.agency ? el("a", { href: `/timeline.html?agency=${encodeURIComponent(m.agency)}`, text: "该机关历年数据" }) : null,
        el("a", { href: `/api/v1/reports/${encodeURIComponent(record.id)}`, text: "JSON 记录" })),
      el("div", { class: "two" }, metaList(record), chartBox),
      el("h2", { text: `发现的问题（${(record.findings || []).length}）` }), findingsList(record),
      historyBlock(record, run), panel,
      tableHeading("active_disclosure"), disclosureTable(record, flagged),
      tableHeading("applications"), applicationsTable(record, flagged),
      tableHeading("review_litigation"), reviewTable(record, flagged),
      el("h2", { text: "正文" }),
      sections.length ? sections.map((s) => el("section", { class: "sec", "data-no": s.no },
        el("h3", { text: `${NUMERALS[s.no - 1] || s.no}、${s.title}` }),
        el("div", { class: "text", text: s.text }))) : el("p", { class: "muted", text: "未识别出章节。" }));
    outcomeChart(chartBox, record);
  } catch (err) {
    showError(main, err);
  }
}

run();
