// @ts-check
/// <reference lib="dom" />
/**
 * The page: loads the run (summary, every evaluation, the finals), draws it, then follows
 * the server's event stream and redraws what changed. Markup and chart configs come from
 * views.js; the charts are drawn by Chart.js (its UMD build, loaded before this module as
 * the global `Chart`). This file only wires them to the document.
 */
import { captions, escapeHtml, fmtInt } from "./figures.js";
import { applyEvaluations, applyFinals, applySummary, createStore, resetRecords } from "./store.js";
import {
  configHtml,
  detailsHtml,
  filesHtml,
  finalRowsHtml,
  hypervolumeChartConfig,
  logRowsHtml,
  paretoChartConfig,
  statusHtml,
  tooltipHtml,
} from "./views.js";

/** Chart.js, from /vendor/chart.umd.min.js. @type {any} */
const Chart = /** @type {any} */ (globalThis).Chart;

const store = createStore();
/** The page's Chart.js instances, by the id of the box that holds each. @type {Map<string, any>} */
const charts = new Map();
/** The series a keyboard walks through on a chart: the networks worth a look. */
const KEYBOARD_SERIES = ["front", "retrained"];
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
  if (dirty.has("charts")) drawCharts();
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
  dirty.clear();
}

/** Draws every chart, or updates those already drawn (the selected network is ringed). */
function drawCharts() {
  const s = store.summary;
  if (!s) return;
  drawChart("chart-energy", paretoChartConfig(store, "energy"));
  drawChart("chart-params", paretoChartConfig(store, "params"));
  drawChart("chart-hv", hypervolumeChartConfig(s, store.selected));
}

/** @param {string} boxId @param {import("./views.js").ChartConfig} config */
function drawChart(boxId, config) {
  const chart = charts.get(boxId);
  if (chart) {
    chart.data = config.data;
    chart.options = config.options;
    chart.update("none");
    return;
  }
  const box = $(boxId);
  const canvas = document.createElement("canvas");
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute(
    "aria-label",
    `${box.closest("figure")?.querySelector("h2")?.textContent ?? "chart"}; arrow keys ` +
      `step through its networks, Enter shows one`,
  );
  box.replaceChildren(canvas);
  charts.set(boxId, new Chart(canvas, config));
}

/** Shows one network's figures in the details panel. @param {string} id */
function select(id) {
  store.selected = id;
  $("details").innerHTML = detailsHtml(store, id);
  drawCharts();
  for (const tr of document.querySelectorAll("#log tr.selected")) tr.classList.remove("selected");
  document.querySelector(`#log tr[data-id="${CSS.escape(id)}"]`)?.classList.add("selected");
}

/** @param {EventTarget | null} target */
function idOf(target) {
  const el = target instanceof Element ? target.closest("[data-id]") : null;
  return el?.getAttribute("data-id") ?? null;
}

/**
 * The network of the point under the pointer, if any: of every point the pointer is on, the
 * one drawn on top (later series over earlier ones, later points over earlier), as with
 * elements of a page, not the one whose centre happens to be nearest.
 * @param {any} chart @param {Event} e
 */
function idAtPointer(chart, e) {
  const hits = chart.getElementsAtEventForMode(e, "point", { intersect: true }, false);
  hits.sort((/** @type {any} */ a, /** @type {any} */ b) =>
    b.datasetIndex - a.datasetIndex || b.index - a.index
  );
  for (const { datasetIndex, index } of hits) {
    const id = chart.data.datasets[datasetIndex].data[index]?.id;
    if (id) return id;
  }
  return null;
}

/** @param {string} id @param {number} clientX @param {number} clientY */
function showTooltip(id, clientX, clientY) {
  const tip = $("tooltip");
  tip.innerHTML = tooltipHtml(store, id);
  tip.hidden = false;
  tip.style.left = `${Math.min(clientX + 14, globalThis.innerWidth - tip.offsetWidth - 8)}px`;
  tip.style.top = `${clientY + 14}px`;
}

/** Where each chart's keyboard focus is: an index into its walkable points. */
const keyboardAt = new Map();

/**
 * Arrow keys step through a chart's networks (left to right), Enter or Space shows one.
 * @param {string} boxId @param {KeyboardEvent} k
 */
function chartKey(boxId, k) {
  const chart = charts.get(boxId);
  if (!chart) return;
  /** @type {{datasetIndex: number, index: number, x: number, id: string}[]} */
  const walk = [];
  chart.data.datasets.forEach((/** @type {any} */ d, /** @type {number} */ datasetIndex) => {
    if (!KEYBOARD_SERIES.includes(d.key)) return;
    d.data.forEach((/** @type {any} */ p, /** @type {number} */ index) => {
      if (p.id) walk.push({ datasetIndex, index, x: p.x, id: p.id });
    });
  });
  if (!walk.length) return;
  walk.sort((a, b) => a.x - b.x);
  const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[k.key];
  const at = keyboardAt.get(boxId) ?? -1;
  if (step !== undefined) {
    k.preventDefault();
    const next = (Math.max(at, step < 0 ? 0 : -1) + step + walk.length) % walk.length;
    keyboardAt.set(boxId, next);
    const { datasetIndex, index, id } = walk[next];
    chart.setActiveElements([{ datasetIndex, index }]);
    chart.update("none");
    const el = chart.getDatasetMeta(datasetIndex).data[index];
    const box = chart.canvas.getBoundingClientRect();
    showTooltip(id, box.left + el.x, box.top + el.y);
  } else if ((k.key === "Enter" || k.key === " ") && at >= 0 && walk[at]) {
    k.preventDefault();
    select(walk[at].id);
  }
}

function wireInteractions() {
  const tip = $("tooltip");
  for (const box of document.querySelectorAll(".chart-box")) {
    const chartOf = () => charts.get(box.id);
    box.addEventListener("mousemove", (e) => {
      const chart = chartOf();
      const id = chart ? idAtPointer(chart, e) : null;
      const m = /** @type {MouseEvent} */ (e);
      if (id) showTooltip(id, m.clientX, m.clientY);
      else tip.hidden = true;
    });
    box.addEventListener("mouseleave", () => (tip.hidden = true));
    box.addEventListener("click", (e) => {
      const chart = chartOf();
      const id = chart ? idAtPointer(chart, e) : null;
      if (id) select(id);
    });
    box.addEventListener("keydown", (e) => chartKey(box.id, /** @type {KeyboardEvent} */ (e)));
    box.addEventListener("focusout", () => (tip.hidden = true));
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
