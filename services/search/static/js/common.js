// Shared helpers of the UI pages. Everything that comes from a report is untrusted: it only ever
// reaches the page as textContent (el()), never as HTML. The one exception is an Elasticsearch
// highlight fragment, which is rebuilt node by node with exactly <mark> re-allowed (highlight()).

// The record catalogue (GET /api/v1/schema, declared in shared/schema.py): the tables' rows, columns and
// labels, every cell's label, the facets with the labels of their values, the key figures. Nothing of it
// is copied here: a page calls `await loadSchema()` before it renders anything that names them.
let catalogue = null;
let facetsByName = new Map();
let loading = null;

export function loadSchema() {
  if (!loading) {
    loading = api("/api/v1/schema").then((s) => {
      catalogue = s;
      facetsByName = new Map(s.facets.map((f) => [f.name, f]));
      return s;
    });
    loading.catch(() => { loading = null; }); // a failed load is tried again by the next caller
  }
  return loading;
}

/** The loaded catalogue (after `await loadSchema()`). */
export function schema() {
  return catalogue;
}

/** One table of the catalogue by key ("applications"). */
export function table(key) {
  return catalogue.tables.find((t) => t.key === key);
}

/** The facets' names in display order. */
export function facetNames() {
  return catalogue.facets.map((f) => f.name);
}

/** Display name of a facet ("省份"). */
export function facetLabel(name) {
  const f = facetsByName.get(name);
  return f ? f.zh : name;
}

/** Display label of a facet value (keeps the raw value when there is no translation). */
export function valueLabel(facet, value) {
  const f = facetsByName.get(facet);
  const v = f && f.values[String(value)];
  if (!v) return String(value);
  return f.show_en ? `${v.zh} ${v.en}` : v.zh;
}

/** Display name of a finding's rule ("申请数收支不平衡"; the id itself when it has none). */
export function ruleLabel(rule) {
  return valueLabel("rule", rule);
}

/** The figures shown with every hit: [{path, zh, en}]. */
export function keyFigures() {
  return catalogue.key_figures;
}

const QUALITY_TITLE = {
  complete: "三张表格均已找到，每个单元格已读出或由勾稽关系推出 / all three tables found, every cell read or inferred",
  partial: "部分单元格未能读出或未能确定位置，合计可能缺数 / some cells could not be read or placed: totals may lack numbers",
  unreadable: "未能读出任何表格单元格 / no table cell could be read",
};

/**
 * The read-quality badge of a report, or null when the report was never graded (indexed before
 * grading: unknown, so no badge rather than a "complete" one). `unknownCells` adds the count to the title.
 */
export function qualityBadge(grade, unknownCells) {
  if (!grade) return null;
  const extra = unknownCells ? `\n${unknownCells} 个单元格未能确定位置 / ${unknownCells} cells not placed` : "";
  return el("span", { class: `badge quality q-${grade}`, "data-grade": grade,
    title: (QUALITY_TITLE[grade] || "") + extra, text: valueLabel("quality", grade) });
}

/** Create an element; `text` becomes textContent (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Replace a node's children, skipping null/undefined/false (DOM append would print "null"). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((x) => x !== null && x !== undefined && x !== false));
}

/** Escape text for HTML (used only where a string must be HTML, e.g. chart tooltips). */
export function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"'`=\/]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ENTITY = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return ENTITY[e] ?? m;
  });
}

/**
 * A highlight fragment from Elasticsearch (encoder: html) as DOM nodes. The fragment is split on the
 * literal tags <mark> and </mark>; every other piece is entity-decoded and inserted as a text node, so
 * nothing but <mark> can ever become markup — even if a report contains "<mark>" itself, ES has
 * encoded it to "&lt;mark&gt;" and it stays text.
 */
export function highlight(fragment) {
  const out = document.createDocumentFragment();
  let open = null;
  for (const part of String(fragment).split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") { open = document.createElement("mark"); out.append(open); continue; }
    if (part === "</mark>") { open = null; continue; }
    if (!part) continue;
    (open ?? out).append(document.createTextNode(decodeEntities(part)));
  }
  return out;
}

export const UNAVAILABLE = "检索服务暂时不可用，请稍后再试 / Search is temporarily unavailable — please try again shortly";

/** An API answer that was not 2xx: `status` is the HTTP status, the message what the API said. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status} ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

/** The `detail` of an error answer as one line: a string as is; a 422 list as its messages. */
function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => (d && d.msg) || JSON.stringify(d)).join("; ");
  return JSON.stringify(detail);
}

export async function api(path, params) {
  const url = params ? `${path}?${params}` : path;
  let r;
  try {
    r = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError(0, UNAVAILABLE); // the API itself did not answer (network, server stopped)
  }
  if (!r.ok) {
    let detail = r.statusText;
    try { detail = detailText((await r.json()).detail); } catch { /* not JSON */ }
    throw new ApiError(r.status, detail);
  }
  return r.json();
}

/** What to tell the user about a failed request: unavailability plainly, anything else with its status. */
export function errorText(err) {
  if (err && (err.status === 503 || err.status === 0)) return UNAVAILABLE;
  return `出错了 / error: ${err.message}`;
}

export function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return v.toLocaleString("zh-CN", { maximumFractionDigits: 4 });
  return String(v);
}

/** What a report is called wherever it is listed or shown: its title; else its body with the year; else
 * the uploaded file's name; else "机关未知 / unknown body" with the year — never its sha256 id. */
export function reportTitle(meta) {
  const m = meta || {};
  const year = m.year ? `${m.year} 年度` : "年度未知 / year unknown";
  if (m.title) return m.title;
  if (m.agency) return `${m.agency} ${year}`;
  const file = m.source && m.source.filename;
  if (file) return file;
  return `机关未知 / unknown body · ${year}`;
}

export function regionText(meta) {
  const r = (meta && meta.region) || {};
  return [r.province, r.city, r.county].filter(Boolean).join(" · ");
}

/** Walk a record path: "applications.denied.state_secret.total" finds the flat row key "denied.state_secret". */
export function dig(obj, path) {
  const parts = path.split(".");
  let node = obj;
  let i = 0;
  while (i < parts.length) {
    if (!node || typeof node !== "object") return undefined;
    let found = false;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join(".");
      if (Object.prototype.hasOwnProperty.call(node, key)) { node = node[key]; i = j; found = true; break; }
    }
    if (!found) return undefined;
  }
  return node;
}

/** The top bar shared by all pages. */
export function header(active) {
  const links = [["/", "检索", "search"], ["/stats.html", "统计", "stats"], ["/audit.html", "审核", "audit"], ["/docs", "接口文档 API", "api"]];
  return el("header", { class: "top" },
    el("a", { class: "brand", href: "/", text: "年报检索" }),
    el("span", { class: "brand-sub", text: "政府信息公开工作年度报告 · Nianbao" }),
    el("nav", {}, links.map(([href, text, key]) =>
      el("a", { href, text, class: key === active ? "active" : "" }))));
}

export function showError(container, err) {
  const unavailable = err && (err.status === 503 || err.status === 0);
  container.replaceChildren(el("p", { class: unavailable ? "error unavailable" : "error", role: "alert",
    text: errorText(err) }));
}

/** Initialise an ECharts chart in `node` (echarts.min.js is a classic script that defines window.echarts). */
export function chart(node, option) {
  if (!window.echarts) return null;
  const c = window.echarts.init(node, null, { renderer: "canvas" });
  // No animation: charts are read, not watched (and screenshots show the final state).
  c.setOption({ animation: false, textStyle: { fontFamily: "inherit" }, ...option });
  window.addEventListener("resize", () => c.resize());
  return c;
}
