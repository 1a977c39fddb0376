// The search page: query box, facet sidebar with counts, results with highlights, cursor paging.
// All state lives in the URL (URLSearchParams + history.pushState), so every view is bookmarkable.
import { api, facetLabel, facetNames, fill, el, fmt, header, highlight, keyFigures, loadSchema, qualityBadge, regionText, reportTitle, ruleLabel,
  errorText, showError, valueLabel } from "./common.js";

const SORTS = [["relevance", "相关度"], ["-year", "年度（新→旧）"], ["year", "年度（旧→新）"],
  ["-applications.new_received.total", "新收申请（多→少）"], ["-applications.granted.total", "予以公开（多→少）"],
  ["-review_litigation.review.total", "行政复议（多→少）"]];
const PAGE = 20;

const app = document.getElementById("app");
let state = { next: null, loading: false };

function params() { return new URLSearchParams(location.search); }

function navigate(p) {
  p.sort();
  history.pushState(null, "", p.toString() ? `/?${p}` : "/");
  run();
}

function toggle(name, value) {
  const p = params();
  const vals = p.getAll(name);
  p.delete(name);
  const v = String(value);
  for (const x of vals) if (x !== v) p.append(name, x);
  if (!vals.includes(v)) p.append(name, v);
  navigate(p);
}

function layout() {
  const p = params();
  const q = el("input", { type: "search", name: "q", id: "q", value: p.get("q") || "", autocomplete: "off",
    placeholder: "输入检索词：引号表示短语，-词 表示排除，如 \"依申请公开\" -公安", "aria-label": "检索词" });
  const sort = el("select", { name: "sort", id: "sort", "aria-label": "排序" },
    SORTS.map(([v, t]) => el("option", { value: v, text: t, selected: (p.get("sort") || "relevance") === v })));
  const yf = el("input", { type: "number", id: "year_from", min: 2000, max: 2100, value: p.get("year_from") || "", placeholder: "起始年", "aria-label": "起始年度" });
  const yt = el("input", { type: "number", id: "year_to", min: 2000, max: 2100, value: p.get("year_to") || "", placeholder: "截止年", "aria-label": "截止年度" });
  const fig = el("input", { type: "text", id: "figure", placeholder: "数值条件，如 applications.new_received.total>=100", "aria-label": "数值条件" });
  const form = el("form", { class: "searchbar", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const np = params();
    for (const [k, input] of [["q", q], ["year_from", yf], ["year_to", yt]]) {
      if (input.value.trim()) np.set(k, input.value.trim()); else np.delete(k);
    }
    if (sort.value && sort.value !== "relevance") np.set("sort", sort.value); else np.delete("sort");
    if (fig.value.trim()) np.append("f", fig.value.trim().replace(/\s+/g, ""));
    navigate(np);
  } },
  el("div", { class: "row" }, q, el("button", { type: "submit", id: "go", text: "检索" })),
  el("div", { class: "row small" }, el("label", {}, "排序 ", sort), el("label", {}, "年度 ", yf, " – ", yt),
    fig));
  sort.addEventListener("change", () => form.requestSubmit());
  fill(app, header("search"),
    el("main", { class: "search" }, form,
      el("div", { class: "cols" },
        el("aside", { id: "facets", class: "facets", "aria-label": "分面筛选" }),
        el("section", { id: "results", class: "results", "aria-live": "polite" }))));
}

function chips(p) {
  const box = el("div", { class: "chips" });
  for (const name of [...facetNames(), "f", "year_from", "year_to"]) {
    for (const v of p.getAll(name)) {
      const label = name === "f" ? `数值：${v}` : name.startsWith("year_") ? `${name === "year_from" ? "起" : "止"} ${v}`
        : `${facetLabel(name)}：${valueLabel(name, v)}`;
      box.append(el("button", { class: "chip", type: "button", title: "移除此条件",
        onclick: () => { const np = params(); const keep = np.getAll(name).filter((x) => x !== v); np.delete(name); keep.forEach((x) => np.append(name, x)); navigate(np); } },
        label, " ×"));
    }
  }
  return box;
}

function renderFacets(facets) {
  const p = params();
  const box = document.getElementById("facets");
  fill(box);
  for (const name of facetNames()) {
    const buckets = facets[name] || [];
    if (!buckets.length) continue;
    const chosen = new Set(p.getAll(name));
    box.append(el("div", { class: "facet", "data-facet": name },
      el("h3", { text: facetLabel(name) }),
      el("ul", {}, buckets.map((b) => el("li", {},
        el("a", { href: "#", class: chosen.has(String(b.value)) ? "on" : "", "data-value": String(b.value),
          onclick: (e) => { e.preventDefault(); toggle(name, b.value); } },
          el("span", { class: "v", text: valueLabel(name, b.value) }),
          el("span", { class: "n", text: b.count })))))));
  }
}

function result(h) {
  const m = h.meta || {};
  const hl = h.highlight || {};
  const title = el("a", { href: `/report.html?id=${encodeURIComponent(h.id)}`, class: "title" });
  if (hl["meta.title"]) title.append(highlight(hl["meta.title"][0])); else title.textContent = reportTitle(m);
  // Fragments of the full text: sentences first (a table's cells, joined by " | ", only when the words are in no sentence).
  const snippets = [...new Set(hl.text || [])].slice(0, 3);
  const figs = keyFigures().filter(({ path }) => h.figures && h.figures[path] !== null && h.figures[path] !== undefined);
  return el("article", { class: "hit", "data-id": h.id },
    el("h2", {}, title,
      h.quality ? qualityBadge(h.quality.grade, h.quality.cells_unknown) : null,
      h.finding_count ? el("span", { class: "badge warn", title: h.finding_rules.map(ruleLabel).join("、"),
        text: `${h.finding_count} 个问题` }) : null,
      h.superseded ? el("span", { class: "badge", text: "已被新版本取代" }) : null),
    el("div", { class: "meta" },
      el("span", { class: "year", text: m.year ? `${m.year} 年度` : "年度未知" }),
      el("a", { class: "agency", href: m.agency ? `/timeline.html?agency=${encodeURIComponent(m.agency)}` : null, text: m.agency || "机关未知" }),
      el("span", { class: "region", text: regionText(m) }),
      m.level ? el("span", { text: valueLabel("level", m.level) }) : null),
    snippets.length ? el("div", { class: "snippets" }, snippets.map((s) => el("p", {}, "…", highlight(s), "…"))) : null,
    figs.length ? el("dl", { class: "figs" }, figs.map(({ path, zh }) => el("div", {}, el("dt", { text: zh }), el("dd", { text: fmt(h.figures[path]) })))) : null);
}

async function run() {
  layout();
  const p = params();
  const results = document.getElementById("results");
  fill(results, el("p", { class: "muted", text: "检索中…" }));
  const qp = new URLSearchParams(p);
  qp.set("size", PAGE);
  try {
    const [res] = await Promise.all([api("/api/v1/search", qp), loadSchema()]);
    renderFacets(res.facets || {});
    const exp = new URLSearchParams(p); exp.delete("sort");
    const list = el("div", { id: "hits" }, res.results.map(result));
    const more = el("button", { id: "more", type: "button", class: "more", text: "加载更多",
      onclick: () => loadMore(qp, list, more) });
    state.next = res.next;
    more.hidden = !res.next;
    fill(results, 
      el("div", { class: "summary" },
        el("span", { id: "total", text: `共 ${res.total.toLocaleString("zh-CN")}${res.total_relation === "gte" ? "+" : ""} 份年报` }),
        chips(p),
        el("span", { class: "actions" },
          el("a", { id: "export-csv", href: `/api/v1/export?${exp}`, text: "导出 CSV", download: "" }),
          el("a", { id: "export-xlsx", href: `/api/v1/export.xlsx?${exp}`, text: "导出 Excel", title: "XLSX", download: "" }),
          el("a", { href: `/stats.html?${exp}`, text: "统计视图" }))),
      res.total ? list : el("p", { class: "muted", text: "没有找到符合条件的年报。" }),
      more);
  } catch (err) {
    showError(results, err);
  }
}

async function loadMore(qp, list, more) {
  if (!state.next || state.loading) return;
  state.loading = true;
  const np = new URLSearchParams(qp);
  np.set("after", state.next);
  np.set("facets", "false");
  try {
    const res = await api("/api/v1/search", np);
    list.append(...res.results.map(result));
    state.next = res.next;
    more.hidden = !res.next;
  } catch (err) {
    more.replaceWith(el("p", { class: "error", role: "alert",
      text: err.status === 503 || err.status === 0 ? errorText(err) : `加载失败 / loading failed: ${err.message}` }));
  } finally {
    state.loading = false;
  }
}

window.addEventListener("popstate", run);
run();
