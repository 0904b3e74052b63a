/**
 * The page's modules (src/dashboard/static/*.js) are plain functions from data to markup
 * and chart configs: checked here without a browser, on a fixture run's records.
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
  applyEvaluations,
  applyFinals,
  applySummary,
  createStore,
} from "../../src/dashboard/static/store.js";
import {
  chartPoints,
  detailsHtml,
  hypervolumeChartConfig,
  logRowsHtml,
  paretoChartConfig,
  tooltipHtml,
} from "../../src/dashboard/static/views.js";
import { RunState } from "../../src/dashboard/run_state.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";
import { makeFixtureRun } from "./_fixture.ts";

/** The network ids of one series of a chart config. */
function seriesIds(config: ReturnType<typeof paretoChartConfig>, key: string): string[] {
  const points = chartPoints(config).get(key);
  assert.ok(points, `series ${key} is drawn`);
  return points.map((p) => p.id!);
}

Deno.test("the tooltip escapes what it shows", () => {
  const store = createStore();
  const id = `a"><script>alert(1)</script>`;
  applyEvaluations(store, {
    from: 0,
    records: [{
      id,
      params: 10,
      mults: 20,
      energyNj: 1,
      multipliers: { n1: "<b>m</b>" },
      violation: 0,
      validation: { float: 0.5, exact8: 0.5, approx8: 0.5, images: 10 },
    } as unknown as EvaluationRecord],
  });
  const html = tooltipHtml(store, id);
  assert.doesNotMatch(html, /<script>|<b>m/);
  assert.match(html, /&#60;script&#62;/);
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
      const config = paretoChartConfig(store, axis);
      assert.deepEqual(seriesIds(config, "front").sort(), [...front].sort(), axis);
      assert.equal(seriesIds(config, "candidates").length + front.length, measured.length, axis);
      assert.deepEqual(
        seriesIds(config, "retrained").sort(),
        run.finals.map((f) => f.id).sort(),
        axis,
      );
      assert.ok(
        !seriesIds(config, "candidates").some((id) => run.records.find((r) => r.id === id)?.error),
      );
      assert.deepEqual(seriesIds(config, "selected"), [], "nothing selected yet");
    }
    // The retrained networks sit at their test error, labelled with their test accuracy.
    const finalsSeries = chartPoints(paretoChartConfig(store, "energy")).get("retrained")!;
    for (const f of run.finals) {
      const p = finalsSeries.find((q) => q.id === f.id)!;
      assert.equal(p.y, 100 * (1 - f.test.approx8));
      assert.equal(p.x, f.energyNj);
      assert.match(p.text!, new RegExp(`${(100 * f.test.approx8).toFixed(1)}%`));
    }
    // The selected network is ringed wherever it is drawn.
    store.selected = run.finals[0].id;
    assert.deepEqual(
      seriesIds(paretoChartConfig(store, "params"), "selected"),
      [run.finals[0].id, run.finals[0].id],
      "on the front and as retrained",
    );
    store.selected = null;

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

    const hv = chartPoints(hypervolumeChartConfig(store.summary!));
    // The parents' hypervolume and the archive's, one point per generation each.
    assert.equal(
      hv.get("parents")!.length + hv.get("archive")!.length,
      run.checkpoint!.hypervolume.length + run.checkpoint!.archiveHypervolume!.length,
    );
    assert.ok(run.checkpoint!.archiveHypervolume!.length > 0);
    assert.deepEqual(hv.get("archive")!.map((p) => p.y), run.checkpoint!.archiveHypervolume);
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
