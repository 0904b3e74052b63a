// @ts-check
/// <reference lib="dom" />
/**
 * The page: loads the run (summary, every evaluation, the finals), draws it, then follows
 * the server's event stream and redraws what changed. Rendering is markup from views.js;
 * this file only wires it to the document.
 */
import { captions, escapeHtml, fmtInt } from "./figures.js";
import { applyEvaluations, applyFinals, applySummary, createStore, resetRecords } from "./store.js";
import {
  configHtml,
  detailsHtml,
  filesHtml,
  finalRowsHtml,
  hypervolumeChartSvg,
  logRowsHtml,
  paretoChartSvg,
  statusHtml,
  tooltipHtml,
} from "./views.js";

const store = createStore();
/** @type {Set<"charts" | "log" | "status" | "finals" | "details">} */
const dirty = new Set();
let scheduled = false;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} path */
async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${path}: ${res.status} ${res.statusText}`);
  return body;
}

function showProblem(/** @type {string | null} */ message) {
  const el = $("problem");
  el.hidden = !message;
  el.textContent = message ?? "";
}

/** Marks parts to redraw and draws them once the current events are handled. */
function invalidate(
  /** @type {("charts" | "log" | "status" | "finals" | "details")[]} */ ...parts
) {
  for (const p of parts) dirty.add(p);
  if (scheduled) return;
  scheduled = true;
  // Once per frame, however many events came in; a hidden tab draws when shown again.
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

function render() {
  const s = store.summary;
  if (!s) return;
  if (dirty.has("status")) {
    $("run-name").textContent = s.name;
    document.title = `approxnas · ${s.name}`;
    $("status").innerHTML = statusHtml(s, Date.now());
    $("config").innerHTML = configHtml(s);
    $("files").innerHTML = filesHtml(s);
    const text = captions(s.config);
    $("caption-energy").textContent = text.energy;
    $("caption-params").textContent = text.params;
    $("caption-hv").textContent = text.hypervolume;
    $("caption-log").textContent = text.log;
    $("caption-final").textContent = text.final;
    showProblem(s.problem);
  }
  if (dirty.has("charts")) {
    $("chart-energy").innerHTML = paretoChartSvg(store, "energy");
    $("chart-params").innerHTML = paretoChartSvg(store, "params");
    $("chart-hv").innerHTML = hypervolumeChartSvg(s);
  }
  if (dirty.has("log")) {
    /** @type {HTMLElement} */ ($("log").querySelector("tbody")).innerHTML = logRowsHtml(store);
    $("log-count").textContent = `(${fmtInt(store.records.length)} evaluations)`;
  }
  if (dirty.has("finals")) {
    /** @type {HTMLElement} */ ($("finals").querySelector("tbody")).innerHTML = finalRowsHtml(
      store,
    );
    $("finals-empty").hidden = store.finals.length > 0;
  }
  if (dirty.has("details") && store.selected) {
    $("details").innerHTML = detailsHtml(store, store.selected);
  }
  if (dirty.has("charts") || dirty.has("details")) markSelected();
  dirty.clear();
}

/** Outlines the selected network wherever it appears (charts; the log marks its own row). */
function markSelected() {
  for (const el of document.querySelectorAll(".chart-box .selected")) {
    el.classList.remove("selected");
  }
  if (!store.selected) return;
  for (
    const el of document.querySelectorAll(`.chart-box [data-id="${CSS.escape(store.selected)}"]`)
  ) {
    el.classList.add("selected");
  }
}

/** Shows one network's figures in the details panel. @param {string} id */
function select(id) {
  store.selected = id;
  $("details").innerHTML = detailsHtml(store, id);
  markSelected();
  for (const tr of document.querySelectorAll("#log tr.selected")) tr.classList.remove("selected");
  document.querySelector(`#log tr[data-id="${CSS.escape(id)}"]`)?.classList.add("selected");
}

/** @param {EventTarget | null} target */
function idOf(target) {
  const el = target instanceof Element ? target.closest("[data-id]") : null;
  return el?.getAttribute("data-id") ?? null;
}

function wireInteractions() {
  const tip = $("tooltip");
  for (const box of document.querySelectorAll(".chart-box")) {
    box.addEventListener("mouseover", (e) => {
      const id = idOf(e.target);
      if (!id) return;
      tip.innerHTML = tooltipHtml(store, id);
      tip.hidden = false;
    });
    box.addEventListener("mousemove", (e) => {
      const m = /** @type {MouseEvent} */ (e);
      tip.style.left = `${Math.min(m.clientX + 14, globalThis.innerWidth - tip.offsetWidth - 8)}px`;
      tip.style.top = `${m.clientY + 14}px`;
    });
    box.addEventListener("mouseout", () => (tip.hidden = true));
    box.addEventListener("click", (e) => {
      const id = idOf(e.target);
      if (id) select(id);
    });
    box.addEventListener("keydown", (e) => {
      const k = /** @type {KeyboardEvent} */ (e);
      const id = idOf(k.target);
      if (id && (k.key === "Enter" || k.key === " ")) {
        k.preventDefault();
        select(id);
      }
    });
  }
  for (const table of ["log", "finals"]) {
    $(table).addEventListener("click", (e) => {
      const id = idOf(e.target);
      if (id) select(id);
    });
  }
}

/** Everything from scratch: at load, and when the run's log was replaced. */
async function loadAll() {
  const [summary, evaluations, finals] = await Promise.all([
    getJson("/api/run"),
    getJson("/api/evaluations?since=0"),
    getJson("/api/final"),
  ]);
  resetRecords(store);
  applyEvaluations(store, evaluations);
  applySummary(store, summary);
  applyFinals(store, finals.records);
  dirty.add("status").add("charts").add("log").add("finals").add("details");
  render();
}

/** Fetches the records after those held (the stream skipped some). */
async function catchUp() {
  const body = await getJson(`/api/evaluations?since=${store.records.length}`);
  if (applyEvaluations(store, body) > 0) invalidate("charts", "log", "status", "details");
}

function follow() {
  const live = $("live");
  const source = new EventSource(`/api/events?since=${store.records.length}`);
  source.addEventListener("open", () => {
    live.textContent = "live";
    live.className = "live on";
  });
  source.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
  });
  source.addEventListener("evaluations", (e) => {
    const added = applyEvaluations(store, JSON.parse(/** @type {MessageEvent} */ (e).data));
    if (added < 0) void catchUp().catch((err) => showProblem(err.message));
    else if (added > 0) invalidate("charts", "log", "details");
  });
  source.addEventListener("run", (e) => {
    applySummary(store, JSON.parse(/** @type {MessageEvent} */ (e).data));
    invalidate("status", "charts", "log", "details");
  });
  source.addEventListener("final", (e) => {
    applyFinals(store, JSON.parse(/** @type {MessageEvent} */ (e).data).records);
    invalidate("charts", "log", "finals", "details");
  });
  // The run's log was replaced: the stream sends the new records from the first.
  source.addEventListener("reset", () => {
    resetRecords(store);
    invalidate("charts", "log", "status", "details");
  });
}

async function main() {
  wireInteractions();
  try {
    await loadAll();
  } catch (e) {
    showProblem(`Cannot load the run: ${escapeHtml(/** @type {Error} */ (e).message)}`);
    $("status").textContent = "";
    return;
  }
  // For the end-to-end test and the curious: milliseconds from navigation to a full page.
  const rendered = performance.now();
  performance.mark("dashboard-rendered");
  Object.assign(globalThis, {
    dashboardTiming: { renderedMs: rendered, records: store.records.length },
  });
  document.documentElement.dataset.ready = "true";
  follow();
  // The elapsed time and "last write" ages move on by themselves.
  setInterval(() => invalidate("status"), 1000);
}

void main();
