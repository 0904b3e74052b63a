// @ts-check
/**
 * The page's parts built from the store: the Chart.js configs of the two Pareto charts and
 * the hypervolume chart (the chart definitions the run's PNGs use), and the markup of the log
 * table, the retrained networks, the details of one network and the run status. Pure: the
 * page puts them in place, the Deno tests read them.
 *
 * @typedef {import("./store.js").Store} Store
 * @typedef {import("../../charts/definitions.js").Point} Point
 * @typedef {import("../../charts/definitions.js").ChartConfig} ChartConfig
 * @typedef {import("../../search/run/record.ts").EvaluationRecord} EvaluationRecord
 * @typedef {import("../../search/run/record.ts").FinalRecord} FinalRecord
 * @typedef {import("../run_state.ts").RunSummary} RunSummary
 */
import {
  captions,
  configFacts,
  escapeHtml,
  fmtAcc,
  fmtDuration,
  fmtEnergy,
  fmtInt,
  multiplierCounts,
  multiplierText,
  recordStatus,
  statusFacts,
  validationError,
} from "./figures.js";
import { hypervolumeChart, runErrorChart } from "../../charts/definitions.js";

/** @typedef {import("../../charts/definitions.js").Axis} Axis */

/** Outlines the selected network wherever a chart shows it, on top of the other series. */
const SELECTED_COLOUR = "#f0a500";

/**
 * A chart definition as the page draws it: sized by its panel, titled by the panel's
 * heading, and with the selected network ringed.
 * @param {ChartConfig} config @param {string | null} selected @param {number} aspectRatio
 * @returns {ChartConfig}
 */
function forPage(config, selected, aspectRatio) {
  const ringed = selected === null
    ? []
    : config.data.datasets.flatMap((d) =>
      d.data.filter((/** @type {Point} */ p) => p.id === selected)
    );
  return {
    ...config,
    data: {
      datasets: [...config.data.datasets, {
        label: "selected",
        key: "selected",
        data: ringed,
        pointRadius: 9,
        pointHoverRadius: 9,
        pointBorderWidth: 3,
        borderColor: SELECTED_COLOUR,
        backgroundColor: "rgba(0, 0, 0, 0)",
      }],
    },
    options: {
      ...config.options,
      responsive: true,
      aspectRatio,
      plugins: {
        ...config.options.plugins,
        title: { display: false },
        tooltip: { enabled: false }, // the page shows its own, with the network's figures
        legend: {
          ...config.options.plugins.legend,
          labels: {
            ...config.options.plugins.legend.labels,
            filter: (/** @type {{text: string}} */ item) => item.text !== "selected",
          },
        },
      },
    },
  };
}

/**
 * The scatter of error against energy or parameters (src/charts/definitions.js, as the
 * run's PNGs draw it), for the page.
 * @param {Store} store @param {Axis} axis
 * @returns {ChartConfig}
 */
export function paretoChartConfig(store, axis) {
  const run = { records: store.records, front: store.front, finals: store.finals };
  return forPage(runErrorChart(run, axis), store.selected, 560 / 380);
}

/**
 * Hypervolume after each completed generation.
 * @param {RunSummary} s @param {string | null} [selected]
 * @returns {ChartConfig}
 */
export function hypervolumeChartConfig(s, selected = null) {
  return forPage(hypervolumeChart(s.checkpoint, s.config.generations), selected, 560 / 280);
}

/**
 * The points of a chart's series that stand for a network, by series key.
 * @param {ChartConfig} config
 * @returns {Map<string, Point[]>}
 */
export function chartPoints(config) {
  return new Map(config.data.datasets.map((d) => [d.key, d.data]));
}

/** @param {number | undefined} x */
const pct = (x) => (x === undefined ? "–" : (100 * x).toFixed(2));

/**
 * The log's rows, newest first; failed candidates show their error.
 * @param {Store} store
 */
export function logRowsHtml(store) {
  const rows = [];
  for (let i = store.records.length - 1; i >= 0; i--) {
    const r = store.records[i];
    const status = recordStatus(r);
    const err = validationError(r);
    const badges = (store.front.has(r.id) ? ` <span class="badge front">front</span>` : "") +
      (store.finalById.has(r.id) ? ` <span class="badge final">retrained</span>` : "");
    const seconds = r.seconds ? fmtDuration(r.seconds.train + r.seconds.evaluate) : "–";
    rows.push(
      `<tr class="${status.kind}${store.selected === r.id ? " selected" : ""}" data-id="${
        escapeHtml(r.id)
      }">` +
        `<td class="num">${i + 1}</td><td>${escapeHtml(r.id)}${badges}</td>` +
        `<td class="num">${r.generation}</td>` +
        `<td class="num">${err === null ? "–" : err.toFixed(2)}</td>` +
        `<td class="num">${pct(r.validation?.float)}</td>` +
        `<td class="num">${pct(r.validation?.exact8)}</td>` +
        `<td class="num">${pct(r.validation?.approx8)}</td>` +
        `<td class="num">${fmtInt(r.params)}</td><td class="num">${fmtInt(r.mults)}</td>` +
        `<td class="num">${fmtEnergy(r.energyNj)}</td>` +
        `<td>${escapeHtml(multiplierText(r.multipliers))}</td>` +
        `<td class="num">${seconds}</td>` +
        `<td class="num">${r.worker ?? "–"}</td>` +
        `<td class="status">${escapeHtml(status.text)}</td></tr>`,
    );
  }
  return rows.join("");
}

/** The retrained networks' rows. @param {Store} store */
export function finalRowsHtml(store) {
  return store.finals.map((f) => {
    if (f.error) {
      return `<tr class="failed" data-id="${escapeHtml(f.id)}"><td>${escapeHtml(f.id)}</td>` +
        `<td colspan="7" class="status">retraining failed: ${escapeHtml(f.error)}</td></tr>`;
    }
    const saving = f.exactEnergyNj > 0
      ? `${(100 * (1 - f.energyNj / f.exactEnergyNj)).toFixed(1)}%`
      : "–";
    return `<tr data-id="${escapeHtml(f.id)}"><td>${escapeHtml(f.id)}</td>` +
      `<td class="num">${fmtAcc(f.test.float)}</td><td class="num">${fmtAcc(f.test.exact8)}</td>` +
      `<td class="num">${fmtAcc(f.test.approx8)}</td><td class="num">${
        fmtInt(f.test.images)
      }</td>` +
      `<td class="num">${fmtEnergy(f.energyNj)}</td><td class="num">${saving}</td>` +
      `<td>${escapeHtml(multiplierText(f.multipliers))}</td></tr>`;
  }).join("");
}

/** One line per hover. @param {Store} store @param {string} id */
export function tooltipHtml(store, id) {
  const r = store.byId.get(id);
  const f = store.finalById.get(id);
  if (!r && !f) return "";
  const base = r ?? f;
  const lines = [
    `<b>${escapeHtml(id)}</b>${store.front.has(id) ? " · on the front" : ""}`,
    r && validationError(r) !== null
      ? `validation error ${validationError(r)?.toFixed(2)}% (approx. 8-bit)`
      : "",
    f ? `test accuracy ${fmtAcc(f.test.approx8)} (approx. 8-bit, retrained)` : "",
    `${fmtEnergy(base?.energyNj ?? NaN)} · ${fmtInt(base?.params ?? 0)} parameters`,
    escapeHtml(multiplierText(base?.multipliers ?? {})),
  ];
  return lines.filter(Boolean).join("<br>");
}

/**
 * Every figure of one network: what it is, how big, how costly, how accurate, how long.
 * @param {Store} store @param {string} id
 */
export function detailsHtml(store, id) {
  const r = store.byId.get(id);
  const f = store.finalById.get(id) ?? store.finals.find((x) => x.id === id);
  const c = store.summary?.config;
  if (!r && !f) return `<p class="muted">No record '${escapeHtml(id)}'.</p>`;
  /** @type {[string, string, string?][]} */
  const rows = [];
  const add = (/** @type {string} */ k, /** @type {string} */ v, /** @type {string} */ key = "") =>
    rows.push([k, v, key]);
  if (r) {
    add(
      "network",
      `${escapeHtml(r.id)} (generation ${r.generation}, candidate ${r.index})` +
        (store.front.has(r.id) ? ` <span class="badge front">on the front</span>` : ""),
      "id",
    );
    add("status", escapeHtml(recordStatus(r).text), "status");
  } else if (f) add("network", escapeHtml(f.id), "id");
  const summary = r?.summary ?? f?.summary ?? "";
  add("architecture", `<code>${escapeHtml(summary)}</code>`, "summary");
  const multipliers = r?.multipliers ?? f?.multipliers ?? {};
  const perLayer = Object.entries(multipliers).map(([node, m]) =>
    `${escapeHtml(node)}: ${escapeHtml(m)}`
  )
    .join(", ");
  add(
    "multiplier(s)",
    escapeHtml(
      multiplierCounts(multipliers).map(([n, k]) => `${n} (${k} layer${k === 1 ? "" : "s"})`)
        .join(", ") || "exact",
    ) + (perLayer ? `<div class="muted small">${perLayer}</div>` : ""),
    "multipliers",
  );
  const base = r ?? f;
  if (base) {
    add("parameters", fmtInt(base.params), "params");
    add("multiplications", `${fmtInt(base.mults)} per inference`, "mults");
    add(
      "energy",
      `${fmtEnergy(base.energyNj)} per inference (multiplications × model energy per operation)`,
      "energy",
    );
  }
  if (r?.validation) {
    const v = r.validation;
    const how = c
      ? `after ${c.candidate.epochs} epoch(s) on ${fmtInt(c.candidate.trainImages)} training images`
      : "";
    add(
      "validation accuracy",
      `float <b>${fmtAcc(v.float)}</b> · exact 8-bit <b>${fmtAcc(v.exact8)}</b> · approx. 8-bit ` +
        `<b>${fmtAcc(v.approx8)}</b><div class="muted small">on ${fmtInt(v.images)} validation ` +
        `images, ${how}${r.reusedFrom ? `; measured for ${escapeHtml(r.reusedFrom)}` : ""}</div>`,
      "validation",
    );
  }
  if (f && !f.error) {
    add(
      "test accuracy",
      `float <b>${fmtAcc(f.test.float)}</b> · exact 8-bit <b>${fmtAcc(f.test.exact8)}</b> · ` +
        `approx. 8-bit <b>${fmtAcc(f.test.approx8)}</b><div class="muted small">on ` +
        `${fmtInt(f.test.images)} CIFAR-10 test images, retrained ${f.epochs} epoch(s) on ` +
        `${fmtInt(f.trainImages)} training images; with exact multipliers it would take ` +
        `${fmtEnergy(f.exactEnergyNj)}; model file ${escapeHtml(f.model)}</div>`,
      "test",
    );
  } else if (f?.error) add("test accuracy", `retraining failed: ${escapeHtml(f.error)}`, "test");
  /** @param {EvaluationRecord} x */
  const time = (x) =>
    x.seconds
      ? `${fmtDuration(x.seconds.train)} training + ${fmtDuration(x.seconds.evaluate)} measuring` +
        (x.worker !== undefined ? ` on worker ${x.worker}` : "")
      : "";
  const twin = r?.reusedFrom ? store.byId.get(r.reusedFrom) : undefined;
  if (r?.seconds) add("training time", time(r), "time");
  else if (twin?.seconds) {
    add(
      "training time",
      `none: the same network as ${escapeHtml(twin.id)} (${time(twin)})`,
      "time",
    );
  } else if (r) add("training time", r.error ? "none (failed)" : "none", "time");
  if (f && !f.error) add("retraining time", fmtDuration(f.seconds), "final-time");
  if (r) {
    add(
      "genome",
      `<details><summary>${r.genome.length} genes</summary><code>${
        r.genome.join(" ")
      }</code></details>`,
      "genome",
    );
  }
  return `<dl class="facts">${
    rows.map(([k, v, key]) => `<dt>${k}</dt><dd data-field="${key}">${v}</dd>`).join("")
  }</dl>`;
}

/** @param {[string, string][]} pairs */
const factList = (pairs) =>
  `<dl class="facts">${
    pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")
  }</dl>`;

/** The run status block. @param {RunSummary} s @param {number} now */
export function statusHtml(s, now) {
  const f = statusFacts(s, now);
  return factList([
    ["status", f.phase],
    ["generations done", f.generations],
    ["evaluations", f.evaluations],
    ["of which", f.breakdown],
    ["elapsed", f.elapsed],
    ["last write", f.lastWrite],
    ["compute", f.compute],
    ["seed", f.seed],
  ]);
}

/** @param {RunSummary} s */
export function configHtml(s) {
  return factList(/** @type {[string, string][]} */ (configFacts(s.config)));
}

/** Links to the report files written so far. @param {RunSummary} s */
export function filesHtml(s) {
  if (!s.files.length) return `<span class="muted">none yet (written when the search ends)</span>`;
  return s.files.map((f) =>
    `<a href="/files/${f.split("/").map(encodeURIComponent).join("/")}" target="_blank">${
      escapeHtml(f)
    }</a>`
  ).join(" · ");
}

export { captions };
