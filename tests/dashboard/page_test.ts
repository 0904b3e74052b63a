/**
 * The page's modules (src/dashboard/static/*.js) are plain functions from data to markup:
 * checked here without a browser, on a fixture run's records.
 */
import assert from "node:assert/strict";
import {
  captions,
  fmtAcc,
  fmtEnergy,
  fmtInt,
  statusFacts,
  validationError,
} from "../../src/dashboard/static/figures.js";
import {
  axisScale,
  chartSvg,
  linearTicks,
  logTicks,
} from "../../src/dashboard/static/svg_chart.js";
import {
  applyEvaluations,
  applyFinals,
  applySummary,
  createStore,
} from "../../src/dashboard/static/store.js";
import {
  detailsHtml,
  hypervolumeChartSvg,
  logRowsHtml,
  paretoChartSpec,
  paretoChartSvg,
} from "../../src/dashboard/static/views.js";
import { RunState } from "../../src/dashboard/run_state.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";
import { makeFixtureRun } from "./_fixture.ts";

/** The data-id values of one layer of a chart's markup. */
function layerIds(svg: string, layer: string): string[] {
  const start = svg.indexOf(`<g class="layer ${layer}">`);
  assert.ok(start >= 0, `layer ${layer} is drawn`);
  const group = svg.slice(start, svg.indexOf("</g>", start));
  return [...group.matchAll(/ data-id="([^"]+)"/g)].map((m) => m[1]);
}

Deno.test("ticks are round, ascending and inside the range; scales map the ends", () => {
  for (const [lo, hi] of [[0, 1], [17.3, 81.9], [-3, 250], [0.0012, 0.0013], [5, 5000]]) {
    const t = linearTicks(lo, hi);
    assert.ok(t.length >= 3 && t.length <= 12, `${lo}..${hi}: ${t}`);
    assert.ok(t.every((v, i) => v >= lo - 1e-12 && v <= hi + 1e-12 && (i === 0 || v > t[i - 1])));
    const step = t[1] - t[0];
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    assert.ok(
      [1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9),
      `${lo}..${hi}: step ${step}`,
    );
  }
  for (const [lo, hi] of [[0.003, 12_000], [40, 120_000], [2, 9], [300, 700]]) {
    const t = logTicks(lo, hi);
    assert.ok(t.length >= 2, `${lo}..${hi}: ${t}`);
    assert.ok(
      t.every((v, i) => v >= lo && v <= hi && (i === 0 || v > t[i - 1])),
      `${lo}..${hi}: ${t}`,
    );
  }
  const log = axisScale([1, 1000], [0, 300], true);
  assert.deepEqual([log(1), log(10), log(1000)].map((v) => Math.round(v * 1e9) / 1e9), [
    0,
    100,
    300,
  ]);
  const lin = axisScale([0, 50], [300, 0]);
  assert.deepEqual([lin(0), lin(25), lin(50)], [300, 150, 0]);
});

Deno.test("chart markup escapes what it shows and skips points a log axis cannot place", () => {
  const svg = chartSvg({
    xLabel: "x <b>",
    yLabel: "y & z",
    xLog: true,
    layers: [{
      name: "front",
      points: [
        { x: 10, y: 1, id: `a"><script>alert(1)</script>`, label: "<i>" },
        { x: 0, y: 2, id: "zero" },
        { x: 100, y: NaN, id: "nan" },
      ],
      focusable: true,
    }],
  });
  assert.doesNotMatch(svg, /<script>|<b>|<i>/);
  assert.match(svg, /x &#60;b&#62;/);
  assert.deepEqual(layerIds(svg, "front").length, 1);
  assert.match(svg, /tabindex="0" role="button"/);
});

Deno.test("records merge in order: repeats are skipped, a gap asks for a fetch", () => {
  const store = createStore();
  const rec = (i: number) => ({ id: `g0-c${i}` }) as EvaluationRecord;
  assert.equal(applyEvaluations(store, { from: 0, records: [rec(0), rec(1)] }), 2);
  assert.equal(applyEvaluations(store, { from: 1, records: [rec(1), rec(2)] }), 1);
  assert.equal(applyEvaluations(store, { from: 5, records: [rec(5)] }), -1);
  assert.equal(applyEvaluations(store, { from: 0, records: [rec(0)] }), 0);
  assert.deepEqual(store.records.map((r) => r.id), ["g0-c0", "g0-c1", "g0-c2"]);
  assert.equal(store.byId.get("g0-c2"), store.records[2]);
});

Deno.test("the charts, log and details of a fixture run show its front, records and figures", async () => {
  const run = await makeFixtureRun({ evaluations: 200, finals: 3 });
  try {
    const state = await RunState.open(run.dir);
    const store = createStore();
    // As the page gets them: through JSON.
    applyEvaluations(store, JSON.parse(`{"from":0,"records":[${state.evaluationsJson(0)}]}`));
    applySummary(store, JSON.parse(JSON.stringify(state.summary())));
    applyFinals(store, run.finals);

    const front = run.front.map((r) => r.id);
    const measured = run.records.filter((r) => validationError(r) !== null);
    for (const axis of ["energy", "params"] as const) {
      const svg = paretoChartSvg(store, axis);
      assert.deepEqual(layerIds(svg, "front").sort(), [...front].sort(), axis);
      assert.equal(layerIds(svg, "candidates").length + front.length, measured.length, axis);
      assert.deepEqual(layerIds(svg, "final").sort(), run.finals.map((f) => f.id).sort(), axis);
      assert.ok(
        !layerIds(svg, "candidates").some((id) => run.records.find((r) => r.id === id)?.error),
      );
    }
    // The retrained networks sit at their test error, labelled with their test accuracy.
    const finalsLayer = paretoChartSpec(store, "energy").layers.find((l) => l.name === "final")!;
    for (const f of run.finals) {
      const p = finalsLayer.points.find((q) => q.id === f.id)!;
      assert.equal(p.y, 100 * (1 - f.test.approx8));
      assert.equal(p.x, f.energyNj);
      assert.match(p.label!, new RegExp(`${(100 * f.test.approx8).toFixed(1)}%`));
    }

    const rows = [...logRowsHtml(store).matchAll(/<tr class="([a-z ]+)" data-id="([^"]+)"/g)];
    assert.deepEqual(rows.map((m) => m[2]), run.records.map((r) => r.id).reverse(), "newest first");
    const failed = run.records.find((r) => r.error);
    assert.ok(failed, "the fixture has a failed candidate");
    assert.match(
      logRowsHtml(store),
      new RegExp(`failed: ${failed.error!.replace(/[()]/g, "\\$&")}`),
    );

    const r = store.byId.get(front[0])!;
    const details = detailsHtml(store, r.id);
    for (
      const text of [
        r.id,
        fmtInt(r.params),
        fmtInt(r.mults),
        fmtEnergy(r.energyNj),
        fmtAcc(r.validation!.float),
        fmtAcc(r.validation!.exact8),
        fmtAcc(r.validation!.approx8),
        `on ${fmtInt(r.validation!.images)} validation images`,
        Object.values(r.multipliers)[0],
        "training",
      ]
    ) assert.ok(details.includes(text), `details of ${r.id} show '${text}'`);
    const f = run.finals[0];
    assert.ok(detailsHtml(store, f.id).includes(fmtAcc(f.test.approx8)), "test accuracy shown");
    assert.match(detailsHtml(store, "nope"), /No record 'nope'/);

    const hv = hypervolumeChartSvg(store.summary!);
    // The parents' hypervolume and the archive's, one point per generation each.
    assert.equal(
      (hv.match(/<circle class="pt"/g) ?? []).length,
      run.checkpoint!.hypervolume.length + run.checkpoint!.archiveHypervolume!.length,
    );
    assert.ok(run.checkpoint!.archiveHypervolume!.length > 0);
    assert.match(hv, /class="layer hypervolume archive"/);
  } finally {
    await run.remove();
  }
});

Deno.test("every figure says how it was measured, from the run's config", async () => {
  const run = await makeFixtureRun({ evaluations: 21, finals: 0 });
  try {
    const c = {
      ...run.config,
      candidate: { ...run.config.candidate, validationImages: 1234, epochs: 3, trainImages: 4000 },
    };
    const text = captions(c);
    for (const key of ["energy", "params", "log"] as const) {
      assert.match(text[key], /1,234 validation images/, key);
      assert.match(text[key], /3 epochs on 4,000 training images/, key);
      assert.match(text[key], /approx/, key);
    }
    assert.match(text.hypervolume, /reference point 1\.1/);
    assert.match(text.final, /CIFAR-10 test set/);
    const summary = (await RunState.open(run.dir)).summary();
    const facts = statusFacts(summary, Date.now());
    assert.equal(facts.evaluations, `21 of ${fmtInt(summary.expectedEvaluations)}`);
    assert.equal(facts.phase, `searching: generation 1 of ${run.config.generations} under way`);
    assert.equal(facts.seed, String(run.config.seed));
  } finally {
    await run.remove();
  }
});
