// @ts-check
/**
 * Every chart of the project, defined once: pure functions from data to Chart.js 4
 * configurations. The host draws them to PNG (render.ts) and the dashboard draws the same
 * ones in the browser, so a series, colour or axis changes in one place. Plain JavaScript
 * that imports nothing at run time, so that the page can load it as it is.
 *
 * @typedef {import("../search/run/record.ts").EvaluationRecord} EvaluationRecord
 * @typedef {import("../search/run/record.ts").FinalRecord} FinalRecord
 * A point; `id` names the network it stands for, `label` what it is (not drawn), `text`
 * is written beside it.
 * @typedef {{x: number, y: number, id?: string, label?: string, text?: string}} Point
 * A series; `key` names it for code (the page, tests), `label` for people.
 * @typedef {{
 *   label: string,
 *   key?: string,
 *   points: Point[],
 *   color?: string,
 *   line?: boolean,
 *   radius?: number,
 *   shape?: "circle" | "rectRot",
 * }} Series
 * @typedef {{
 *   title: string,
 *   xLabel: string,
 *   yLabel: string,
 *   series: Series[],
 *   xLog?: boolean,
 *   yLog?: boolean,
 *   xIntegers?: boolean,
 *   xRange?: [number, number],
 *   yRange?: [number, number],
 *   empty?: string,
 * }} ScatterSpec
 * @typedef {{type: "scatter", data: {datasets: any[]}, options: any, plugins: any[]}} ChartConfig
 * @typedef {{
 *   records: EvaluationRecord[],
 *   front: ReadonlySet<string>,
 *   finals: FinalRecord[],
 * }} RunPoints
 */

/** A palette that stays distinguishable for a dozen series. */
export const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#000000",
  "#aec7e8",
];

/** The colours of a run's charts, as the captions name them. */
export const RUN_COLOURS = {
  candidates: "#bbbbbb",
  front: "#1f77b4",
  retrained: "#d62728",
  rechosen: "#2ca02c",
};

/** Paints the canvas white first: a PNG would otherwise be transparent. */
const whiteBackground = {
  id: "whiteBackground",
  /** @param {any} chart */
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Writes each point's `text` beside it (e.g. a retrained network's test accuracy). */
const pointLabels = {
  id: "pointLabels",
  /** @param {any} chart */
  afterDatasetsDraw(chart) {
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#333333";
    ctx.textBaseline = "middle";
    chart.data.datasets.forEach((/** @type {any} */ dataset, /** @type {number} */ i) => {
      if (!chart.isDatasetVisible(i)) return;
      chart.getDatasetMeta(i).data.forEach((/** @type {any} */ el, /** @type {number} */ j) => {
        const text = dataset.data[j]?.text;
        if (!text || el.skip) return;
        const width = ctx.measureText(text).width;
        // Labels near the right edge go to the left of their point.
        const left = el.x + width + 10 > chartArea.right;
        ctx.textAlign = left ? "right" : "left";
        ctx.fillText(text, left ? el.x - 9 : el.x + 9, el.y);
      });
    });
    ctx.restore();
  },
};

/** Says why a chart is empty instead of showing bare axes. */
const emptyMessage = {
  id: "emptyMessage",
  /** @param {any} chart @param {unknown} _args @param {{text?: string}} options */
  afterDraw(chart, _args, options) {
    const points = chart.data.datasets.reduce(
      (/** @type {number} */ n, /** @type {any} */ d) => n + d.data.length,
      0,
    );
    if (points > 0 || !options.text) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = "14px sans-serif";
    ctx.fillStyle = "#777777";
    ctx.textAlign = "center";
    ctx.fillText(
      options.text,
      (chartArea.left + chartArea.right) / 2,
      (chartArea.top + chartArea.bottom) / 2,
    );
    ctx.restore();
  },
};

/**
 * Labels for a log axis, compact (20k, 1.5M): 1, 2 and 5 times each power of ten, or only
 * the powers of ten when the axis spans more than four decades, so that labels never crowd.
 * @param {number | string} value @param {number} _index @param {{value: number}[]} ticks
 */
function logTick(value, _index, ticks) {
  const v = Number(value);
  const lo = ticks[0]?.value ?? v, hi = ticks.at(-1)?.value ?? v;
  const decades = lo > 0 ? Math.log10(hi / lo) : 0;
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  const shown = decades > 4 ? [1] : [1, 2, 5];
  if (!shown.some((m) => Math.abs(mantissa - m) < 1e-6)) return "";
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/**
 * A scatter chart: series of points, optionally joined, over linear or log axes.
 * @param {ScatterSpec} spec
 * @returns {ChartConfig}
 */
export function scatterConfig(spec) {
  return {
    type: "scatter",
    data: {
      datasets: spec.series.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length];
        return {
          label: s.label,
          key: s.key ?? s.label,
          data: s.points.filter((p) =>
            Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.xLog || p.x > 0)
          ),
          backgroundColor: color,
          borderColor: color,
          pointRadius: s.radius ?? 4,
          pointHoverRadius: (s.radius ?? 4) + 2,
          pointStyle: s.shape ?? "circle",
          showLine: s.line ?? false,
          borderWidth: s.line ? 1.5 : 1,
          // Chart.js draws the lowest order on top: later series go over earlier ones.
          order: spec.series.length - i,
        };
      }),
    },
    options: {
      animation: false,
      responsive: false,
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16 } },
        // Long series labels stay whole; a diamond series shows a diamond.
        legend: {
          position: "bottom",
          labels: {
            usePointStyle: true,
            sort: (/** @type {any} */ a, /** @type {any} */ b) => a.datasetIndex - b.datasetIndex,
          },
        },
        emptyMessage: { text: spec.empty },
      },
      scales: {
        x: {
          type: spec.xLog ? "logarithmic" : "linear",
          title: { display: true, text: spec.xLabel },
          ...(spec.xRange ? { min: spec.xRange[0], max: spec.xRange[1] } : {}),
          ...(spec.xIntegers ? { ticks: { stepSize: 1, precision: 0 } } : {}),
          ...(spec.xLog ? { ticks: { callback: logTick, autoSkip: false, maxRotation: 0 } } : {}),
        },
        y: {
          type: spec.yLog ? "logarithmic" : "linear",
          title: { display: true, text: spec.yLabel },
          ...(spec.yRange ? { min: spec.yRange[0], max: spec.yRange[1] } : {}),
          ...(spec.yLog ? { ticks: { callback: logTick, autoSkip: false } } : {}),
        },
      },
    },
    plugins: [whiteBackground, pointLabels, emptyMessage],
  };
}

/** @typedef {"energy" | "params"} Axis */

/** What the x axis of a run's error chart measures. */
export const RUN_AXES = {
  energy: {
    name: "energy",
    label: "Energy of the multiplications per inference (nJ, model estimate, log scale)",
    /** @param {{energyNj: number}} r */
    of: (r) => r.energyNj,
  },
  params: {
    name: "parameters",
    label: "Parameters (log scale)",
    /** @param {{params: number}} r */
    of: (r) => r.params,
  },
};

/**
 * Validation error (%) of the approximate 8-bit network: the search's first objective.
 * Null when the candidate was not measured (failed or infeasible).
 * @param {EvaluationRecord} r
 */
export function validationError(r) {
  return r.validation && !r.error && r.violation === 0 ? 100 * (1 - r.validation.approx8) : null;
}

/**
 * A run's error against energy or parameters: grey candidates, the blue Pareto set of
 * every evaluation (validation error), the retrained networks in red at their test error,
 * labelled with their test accuracy, and in green with their re-chosen multipliers.
 * @param {RunPoints} run @param {Axis} axis @param {{seed?: number}} [about]
 * @returns {ChartConfig}
 */
export function runErrorChart(run, axis, about = {}) {
  const x = RUN_AXES[axis].of;
  /** @type {Point[]} */
  const grey = [];
  /** @type {Point[]} */
  const front = [];
  for (const r of run.records) {
    const y = validationError(r);
    if (y === null) continue;
    (run.front.has(r.id) ? front : grey).push({ x: x(r), y, id: r.id });
  }
  front.sort((a, b) => a.x - b.x);
  const tested = run.finals.filter((f) => !f.error);
  const retrained = tested.map((f) => {
    const y = 100 * (1 - f.test.approx8);
    return { x: x(f), y, id: f.id, text: `test acc. ${(100 - y).toFixed(1)}%` };
  });
  const rechosen = tested.flatMap((f) =>
    f.refined
      ? [{
        x: axis === "energy" ? f.refined.energyNj : f.params,
        y: 100 * (1 - f.refined.test.approx8),
        id: f.id,
      }]
      : []
  );
  /** @type {Series[]} */
  const series = [
    {
      label: "evaluated candidates",
      key: "candidates",
      points: grey,
      color: RUN_COLOURS.candidates,
      radius: 3,
    },
    {
      // Non-dominated in three objectives: its projection onto two is not a curve, so its
      // points are not joined.
      label: "Pareto set of every evaluation, 3 objectives (validation)",
      key: "front",
      points: front,
      color: RUN_COLOURS.front,
      radius: 4.5,
    },
    {
      label: "retrained (test set)",
      key: "retrained",
      points: retrained,
      color: RUN_COLOURS.retrained,
      radius: 6,
      shape: "rectRot",
    },
  ];
  if (rechosen.length) {
    series.push({
      label: "retrained, re-chosen multiplier (test set)",
      key: "rechosen",
      points: rechosen,
      color: RUN_COLOURS.rechosen,
      radius: 5,
    });
  }
  const seed = about.seed === undefined ? "" : `, seed ${about.seed}`;
  return scatterConfig({
    title: `Error vs ${RUN_AXES[axis].name} (approximate 8-bit${seed})`,
    xLabel: RUN_AXES[axis].label,
    yLabel: "Error, approximate 8-bit (%)", // the legend says which are on the test set
    xLog: true,
    series,
    empty: "no candidate measured yet",
  });
}

/**
 * The hypervolume of the parents' feasible front and of the archive after each
 * generation, over the whole planned run.
 * @param {{hypervolume: number[], archiveHypervolume?: number[]} | null} checkpoint
 * @param {number} generations the run's planned generations
 * @returns {ChartConfig}
 */
export function hypervolumeChart(checkpoint, generations) {
  const parents = checkpoint?.hypervolume ?? [];
  const archive = checkpoint?.archiveHypervolume ?? [];
  const top = Math.max(0, ...parents, ...archive);
  return scatterConfig({
    title: "Hypervolume of the feasible front by generation: parents and archive",
    xLabel: "Generation",
    yLabel: "Hypervolume (normalised objectives, reference 1.1)",
    xIntegers: true,
    xRange: [0, Math.max(1, generations, parents.length - 1)],
    yRange: [0, top > 0 ? top * 1.1 : 1],
    series: [
      {
        label: "archive (every evaluation so far)",
        key: "archive",
        points: archive.map((y, x) => ({ x, y })),
        color: RUN_COLOURS.rechosen,
        line: true,
        radius: 2,
      },
      {
        label: "parents",
        key: "parents",
        points: parents.map((y, x) => ({ x, y })),
        color: RUN_COLOURS.front,
        line: true,
        radius: 3,
      },
    ],
    empty: "no generation completed yet",
  });
}
