// Corrections on the report page (docs/corrections.md): corrected cells marked with their history, the
// report's correction log, and in-place editing for a user holding an API key with the `correct` scope.
// The key is typed here and kept in sessionStorage (this tab only); edits go to the ingest API, which
// allows this page's origin by CORS (NIANBAO_CORS_ORIGINS, by default the search UI's address). Every
// value and reason a user typed is shown as text (el(..., {text}) / textContent), never as HTML.
import { el, fill, fmt } from "./common.js";

const KEY = "nianbao.correct.key";
const INGEST = "nianbao.correct.ingest";

function defaultIngest() {
  return `${location.protocol}//${location.hostname}:8000`;
}

function shown(v) {
  return v === null || v === undefined ? "空 / null" : fmt(v);
}

/** The event that set a corrected path (its provenance names it). */
export function correctionOf(record, path) {
  const prov = (record.provenance || {})[path];
  if (!prov || prov.source !== "corrected") return null;
  const id = (prov.by || [])[0];
  return (record.corrections || []).find((c) => c.id === id) || null;
}

/** The tooltip lines of a corrected cell: old → new, who, when, why (and earlier changes of the path). */
export function correctedTitle(record, path) {
  const lines = (record.corrections || []).filter((c) => c.path === path).map((c) =>
    `${c.action === "revert" ? "撤销 / revert" : "更正 / corrected"}：${shown(c.old)} → ${shown(c.new)}` +
    `（${c.by}，${c.at}）理由 / reason：${c.reason}`);
  return lines.join("\n");
}

/**
 * The report's correction log as a table (the newest last), or nothing when nobody corrected it. With a
 * key in this tab, a correction in effect has a revert button (the reason is asked for; audited too).
 */
export function historyBlock(record, reload) {
  const cs = record.corrections || [];
  if (!cs.length) return null;
  const state = (c) => c.action === "revert" ? `撤销 ${c.reverts} / reverts ${c.reverts}`
    : c.reverted_by ? `已撤销 / reverted (${c.reverted_by})` : c.applied ? "生效 / in effect"
      : "未生效 / not applied";
  const keyed = Boolean(sessionStorage.getItem(KEY));
  const msg = el("p", { id: "corr-revert-msg", class: "muted", role: "status" });
  const revertButton = (c) => el("button", { type: "button", class: "corr-revert", "data-id": c.id, text: "撤销 / revert",
    onclick: async (e) => {
      const reason = window.prompt("撤销理由（必填）/ reason for the revert (required)");
      if (!reason || !reason.trim()) return;
      e.target.disabled = true;
      msg.textContent = "撤销中… / reverting…";
      try {
        const ev = await post(`/api/v1/reports/${encodeURIComponent(record.id)}/corrections/${encodeURIComponent(c.id)}/revert`,
          { reason });
        msg.textContent = "已撤销，正在重新校验与索引… / reverted; re-validating and re-indexing…";
        await waitIndexed(record.id, ev.id);
        reload();
      } catch (err) {
        msg.textContent = `未撤销 / not reverted: ${err.message}`;
        e.target.disabled = false;
      }
    } });
  return el("section", { id: "corrections", class: "corrections" },
    el("h2", { text: `更正记录 / Corrections（${cs.length}）` }),
    el("table", { class: "data corrections-log" },
      el("thead", {}, el("tr", {}, ["时间 / when", "单元格或字段 / path", "原值 → 新值 / old → new", "更正人 / who",
        "理由 / reason", "状态 / state", ""].map((h) => el("th", { text: h })))),
      el("tbody", {}, cs.map((c) => el("tr", { "data-id": c.id, class: c.action },
        el("td", { text: c.at }),
        el("td", {}, el("a", { href: `#cell-${c.path}`, class: "corr-path", text: c.path })),
        el("td", { class: "corr-change", text: `${shown(c.old)} → ${shown(c.new)}` }),
        el("td", { class: "corr-by", text: c.by }),
        el("td", { class: "corr-reason", text: c.reason }),
        el("td", { text: state(c) }),
        el("td", {}, keyed && c.action === "set" && c.applied && !c.reverted_by ? revertButton(c) : null))))),
    msg);
}

/** POST JSON to the ingest API with this tab's key; the created event, or an Error with the status and detail. */
async function post(path, body) {
  const base = (sessionStorage.getItem(INGEST) || defaultIngest()).replace(/\/+$/, "");
  const res = await fetch(`${base}${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${sessionStorage.getItem(KEY) || ""}` },
    body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  if (res.status !== 201) throw new Error(`${res.status} ${typeof answer.detail === "string" ? answer.detail : res.statusText}`);
  return answer;
}

/** Wait until the search API's record of the report holds the correction (validated and indexed again). */
async function waitIndexed(recordId, correctionId) {
  for (let i = 0; i < 120; i++) {
    const r = await fetch(`/api/v1/reports/${encodeURIComponent(recordId)}`);
    if (r.ok && ((await r.json()).corrections || []).some((c) => c.id === correctionId)) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error("重新索引超时 / re-indexing took too long; reload the page later");
}

/**
 * The edit panel: the ingest API's address and the key (kept in sessionStorage), a switch for edit mode;
 * in edit mode a click on a cell opens a small form (new value, reason) that POSTs the correction, waits
 * until the re-validated record is indexed, then calls `reload`.
 */
export function editPanel(record, container, reload) {
  const ingest = el("input", { id: "corr-ingest", type: "url", size: 28, value: sessionStorage.getItem(INGEST) || defaultIngest(),
    "aria-label": "接收接口地址 / ingest API address" });
  const key = el("input", { id: "corr-key", type: "password", size: 28, autocomplete: "off", placeholder: "nbk_…",
    value: sessionStorage.getItem(KEY) || "", "aria-label": "API 密钥（correct 权限）/ API key (correct scope)" });
  const status = el("p", { id: "corr-status", class: "muted", role: "status" });
  const form = el("div", { id: "corr-form", class: "corr-form", hidden: true });
  const toggle = el("button", { id: "corr-edit", type: "button", text: "编辑单元格 / edit cells" });
  let editing = false;
  toggle.addEventListener("click", () => {
    sessionStorage.setItem(KEY, key.value.trim());
    sessionStorage.setItem(INGEST, ingest.value.trim());
    editing = !editing;
    container.classList.toggle("editing", editing);
    toggle.textContent = editing ? "结束编辑 / stop editing" : "编辑单元格 / edit cells";
    status.textContent = editing ? "点击表格中的单元格进行更正 / click a table cell to correct it" : "";
    if (!editing) form.hidden = true;
  });
  container.addEventListener("click", (e) => {
    if (!editing) return;
    const td = e.target.closest("td[data-path]");
    if (!td || !container.contains(td)) return;
    e.preventDefault();
    openForm(td.dataset.path);
  });

  function openForm(path) {
    const current = dig(record, path);
    const value = el("input", { id: "corr-value", type: "number", min: 0, step: "any",
      value: current === null || current === undefined ? "" : String(current) });
    const reason = el("textarea", { id: "corr-reason", rows: 2, cols: 40, maxlength: 2000, required: true });
    const msg = el("p", { id: "corr-msg", class: "muted" });
    const save = el("button", { id: "corr-save", type: "submit", text: "保存更正 / save" });
    const f = el("form", {},
      el("p", {}, el("strong", { text: "更正 / correct " }), el("code", { id: "corr-path", text: path }),
        el("span", { class: "muted", text: ` 当前值 / now: ${shown(current)}` })),
      el("label", {}, "新值（留空为无数值）/ new value (empty = no value) ", value), " ",
      el("label", {}, "理由 / reason ", reason), " ",
      save, " ", el("button", { type: "button", text: "取消 / cancel", onclick: () => { form.hidden = true; } }), msg);
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      save.disabled = true;
      msg.textContent = "保存中… / saving…";
      try {
        const ev2 = await post(`/api/v1/reports/${encodeURIComponent(record.id)}/corrections`,
          { path, value: value.value === "" ? null : Number(value.value), reason: reason.value });
        msg.textContent = "已保存，正在重新校验与索引… / saved; re-validating and re-indexing…";
        await waitIndexed(record.id, ev2.id);
        reload();
      } catch (err) {
        msg.textContent = `未保存 / not saved: ${err.message}`;
        save.disabled = false;
      }
    });
    fill(form, f);
    form.hidden = false;
    reason.focus();
  }

  return el("details", { id: "corr-panel", class: "corr-panel", open: sessionStorage.getItem(KEY) ? true : undefined },
    el("summary", { text: "更正数据（需要 correct 权限的 API 密钥）/ correct this report (API key with the correct scope)" }),
    el("p", {}, el("label", {}, "接收接口 / ingest API ", ingest), " ", el("label", {}, "API 密钥 / key ", key), " ", toggle),
    status, form);
}

function dig(record, path) {
  const [table, ...rest] = path.split(".");
  const col = rest.pop();
  return ((record[table] || {})[rest.join(".")] || {})[col];
}
