// One body's figures across years: a line chart of the key figures and the full table with changes.
import { api, fill, chart, el, fmt, header, keyFigures, loadSchema, showError } from "./common.js";

const app = document.getElementById("app");
const agency = new URLSearchParams(location.search).get("agency") || "";

function change(v, ratio) {
  if (v === null || v === undefined || v === 0) return null;
  const up = v > 0;
  const pct = ratio === null || ratio === undefined ? "" : `（${up ? "+" : ""}${(ratio * 100).toFixed(1)}%）`;
  return el("span", { class: `chg ${up ? "up" : "down"}`, text: `${up ? "▲ +" : "▼ "}${fmt(v)}${pct}` });
}

async function main() {
  fill(app, header(""), el("main", { id: "timeline", class: "timeline" }, el("p", { class: "muted", text: "加载中…" })));
  const main = document.getElementById("timeline");
  try {
    const [t] = await Promise.all([api(`/api/v1/agencies/${encodeURIComponent(agency)}/timeline`), loadSchema()]);
    document.title = `${t.agency} 历年数据 · 年报检索`;
    const box = el("div", { id: "chart-timeline", class: "chart wide" });
    fill(main, 
      el("h1", { text: `${t.agency}：历年数据` }),
      el("p", { class: "links" }, "各年度年报：", t.reports.map((r) => el("a", { href: `/report.html?id=${encodeURIComponent(r.id)}`,
        text: `${r.year}${r.finding_count ? `（${r.finding_count} 个问题）` : ""}` }))),
      box,
      el("label", { class: "muted" }, el("input", { type: "checkbox", id: "show-zero",
        onchange: (e) => document.getElementById("timeline-table").classList.toggle("show-zero", e.target.checked) }),
        " 显示历年均为 0 或空的项目"),
      el("table", { class: "data timeline-table", id: "timeline-table" },
        el("thead", {}, el("tr", {}, el("th", { text: "项目" }), t.years.map((y) => el("th", { text: `${y} 年` })))),
        el("tbody", {}, t.figures.map((f) => el("tr", { "data-path": f.path,
          class: f.values.every((v) => !v) ? "allzero" : "" },
          el("th", { scope: "row", text: f.label, title: f.path }),
          f.values.map((v, i) => el("td", { class: "num" }, fmt(v), el("br"), change(f.change[i], f.change_ratio[i]))))))));
    const series = keyFigures().map(({ path, zh }) => {
      const f = t.figures.find((x) => x.path === path);
      return f ? { name: zh, type: "line", data: f.values, connectNulls: true, symbolSize: 8 } : null;
    }).filter(Boolean);
    chart(box, {
      title: { text: "主要数据历年变化", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 60, right: 30, top: 50, bottom: 50 },
      xAxis: { type: "category", data: t.years.map((y) => `${y}`) }, yAxis: { type: "value", name: "件" },
      series,
    });
  } catch (err) {
    showError(main, err);
  }
}

main();
