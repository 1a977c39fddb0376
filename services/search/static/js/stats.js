// The stats view: a figure summed / averaged / counted by one or two groups, over the search filters
// kept in the URL; a bar chart plus the table of values, and how many of the reports counted had
// incomplete figures (read quality partial or unreadable).
import { api, facetLabel, fill, chart, el, fmt, header, loadSchema, showError, valueLabel } from "./common.js";

const app = document.getElementById("app");
const METRICS = [["sum", "合计"], ["avg", "平均"], ["count", "计数"]];

function params() { return new URLSearchParams(location.search); }

function select(id, options, value, label) {
  return el("label", {}, label, " ", el("select", { id, name: id },
    options.map(([v, t]) => el("option", { value: v, text: t, selected: v === value }))));
}

/** How many of the counted reports had incomplete figures, and how many were never graded. */
function incompleteNote(overall) {
  const parts = [`其中 ${overall.incomplete} 份年报数据不完整（部分可读或无法读取） / ${overall.incomplete} of `
    + `${overall.reports} reports had incomplete figures (partial or unreadable)`];
  if (overall.ungraded) parts.push(`${overall.ungraded} 份未评定读取质量 / ${overall.ungraded} not graded`);
  return el("p", { id: "stats-incomplete", class: overall.incomplete ? "notice" : "muted", text: parts.join("；") });
}

async function main() {
  const p = params();
  if (!p.get("figure") && p.get("metric") !== "count") p.set("figure", "applications.new_received.total");
  if (!p.getAll("group").length) p.set("group", "province");
  fill(app, header("stats"), el("main", { id: "stats", class: "stats" }, el("p", { class: "muted", text: "加载中…" })));
  const main = document.getElementById("stats");
  try {
    const schema = await loadSchema();
    const cells = [["", "（无）"], ...schema.cells.map((c) => [c.path, c.zh])];
    const groupOptions = schema.stats_groups.map((g) => [g, facetLabel(g)]);
    const groups = p.getAll("group");
    const form = el("form", { class: "statsform", onsubmit: (e) => {
      e.preventDefault();
      const np = params();
      for (const k of ["metric", "figure", "per"]) {
        const v = form.querySelector(`#${k}`).value;
        if (v) np.set(k, v); else np.delete(k);
      }
      np.delete("group");
      for (const k of ["group1", "group2"]) { const v = form.querySelector(`#${k}`).value; if (v) np.append("group", v); }
      history.pushState(null, "", `/stats.html?${np}`);
      main_();
    } },
    select("metric", METRICS, p.get("metric") || "sum", "统计"),
    select("figure", cells, p.get("figure") || "", "数据"),
    select("per", cells, p.get("per") || "", "除以（比例）"),
    select("group1", groupOptions, groups[0], "按"),
    select("group2", [["", "（不分）"], ...groupOptions], groups[1] || "", "再按"),
    el("button", { type: "submit", text: "统计" }));
    const filters = new URLSearchParams(p);
    for (const k of ["metric", "figure", "per", "group"]) filters.delete(k);
    const res = await api("/api/v1/stats", p);
    const box = el("div", { id: "chart-stats", class: "chart wide" });
    const title = `${res.figure_label}${res.per_label ? ` ÷ ${res.per_label}` : ""}（${METRICS.find(([m]) => m === res.metric)[1]}）`;
    fill(main, 
      el("h1", { text: "统计" }), form,
      filters.toString() ? el("p", { class: "muted" }, "筛选条件：", el("a", { href: `/?${filters}`, text: decodeURIComponent(filters.toString()) })) : null,
      el("h2", { id: "stats-title", text: title }),
      incompleteNote(res.overall),
      el("p", { class: "actions" }, el("a", { id: "stats-xlsx", href: `/api/v1/stats.xlsx?${p}`, text: "导出 Excel", title: "XLSX", download: "" })),
      box,
      el("table", { class: "data", id: "stats-table" },
        el("thead", {}, el("tr", {}, res.group.map((g) => el("th", { text: facetLabel(g) })),
          el("th", { text: "数值" }), el("th", { text: "年报数" }), el("th", { text: "数据不完整" }))),
        el("tbody", {}, res.rows.map((r) => el("tr", {},
          res.group.map((g) => el("td", { text: valueLabel(g, r[g]) })),
          el("td", { class: "num", text: res.per && r.value !== null ? `${(r.value * 100).toFixed(2)}%` : fmt(r.value) }),
          el("td", { class: "num", text: r.reports }), el("td", { class: "num incomplete", text: r.incomplete })))),
        el("tfoot", {}, el("tr", {}, el("th", { colspan: res.group.length, text: "全部" }),
          el("td", { class: "num", text: res.per && res.overall.value !== null ? `${(res.overall.value * 100).toFixed(2)}%` : fmt(res.overall.value) }),
          el("td", { class: "num", text: res.overall.reports }),
          el("td", { class: "num incomplete", text: res.overall.incomplete })))));
    const [g1, g2] = res.group;
    const xs = [...new Set(res.rows.map((r) => r[g1]))];
    const series = g2
      ? [...new Set(res.rows.map((r) => r[g2]))].sort().map((s) => ({ name: valueLabel(g2, s), type: "bar",
          data: xs.map((x) => (res.rows.find((r) => r[g1] === x && r[g2] === s) || {}).value ?? null) }))
      : [{ name: title, type: "bar", data: xs.map((x) => res.rows.find((r) => r[g1] === x).value) }];
    chart(box, {
      tooltip: { trigger: "axis" }, legend: { bottom: 0, type: "scroll" },
      grid: { left: 70, right: 20, top: 20, bottom: 80 },
      xAxis: { type: "category", data: xs.map((x) => valueLabel(g1, x)), axisLabel: { rotate: xs.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", axisLabel: res.per ? { formatter: (v) => `${(v * 100).toFixed(0)}%` } : {} },
      series,
    });
  } catch (err) {
    showError(main, err);
  }
}

const main_ = main;
window.addEventListener("popstate", main);
main();
