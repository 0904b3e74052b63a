/**
 * A run's chart definitions (the ones the dashboard draws too) on a fixture run, and the
 * PNGs drawn from them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hypervolumeChart, runErrorChart } from "../../src/charts/definitions.js";
import { chartsAvailable } from "../../src/charts/render.ts";
import { runChartConfigs, writeRunCharts } from "../../src/charts/run_charts.ts";
import { makeFixtureRun } from "../dashboard/_fixture.ts";
import { pngSize } from "./_png.ts";

const available = await chartsAvailable();
if (available !== true) console.log(`skipping run chart drawing: ${available}`);

/** The ids of one dataset, found by the start of its label. */
function ids(config: ReturnType<typeof runErrorChart>, label: string): string[] {
  const dataset = config.data.datasets.find((d) => d.label.startsWith(label));
  assert.ok(dataset, `a dataset '${label}...'`);
  return dataset.data.map((p: { id: string }) => p.id);
}

Deno.test("a run's error charts: grey candidates, the front, the retrained networks", async () => {
  const run = await makeFixtureRun({ evaluations: 200, finals: 3 });
  try {
    const front = new Set(run.front.map((r) => r.id));
    const data = { records: run.records, front, finals: run.finals };
    const measured = run.records.filter((r) => !r.error && r.violation === 0 && r.validation);
    for (const axis of ["energy", "params"] as const) {
      const config = runErrorChart(data, axis, { seed: 7 });
      assert.deepEqual(ids(config, "Pareto set").sort(), [...front].sort(), axis);
      assert.equal(ids(config, "evaluated").length + front.size, measured.length, axis);
      assert.deepEqual(ids(config, "retrained (test").sort(), run.finals.map((f) => f.id).sort());
      assert.equal(config.options.scales.x.type, "logarithmic");
      assert.match(config.options.plugins.title.text, /seed 7/);
    }
    // Retrained networks sit at their test error, with their test accuracy written beside.
    const retrained = runErrorChart(data, "energy").data.datasets[2].data;
    for (const f of run.finals) {
      const p = retrained.find((q: { id: string }) => q.id === f.id);
      assert.equal(p.y, 100 * (1 - f.test.approx8));
      assert.equal(p.x, f.energyNj);
      assert.equal(p.text, `test acc. ${(100 * f.test.approx8).toFixed(1)}%`);
    }
    const hv = hypervolumeChart(run.checkpoint, run.config.generations);
    const [archive, parents] = hv.data.datasets;
    assert.equal(parents.data.length, run.checkpoint!.hypervolume.length);
    assert.equal(archive.data.length, run.checkpoint!.archiveHypervolume!.length);
    assert.equal(hv.options.scales.x.max, run.config.generations);
  } finally {
    await run.remove();
  }
});

Deno.test({
  name: "writeRunCharts draws the three PNGs of a run",
  ignore: available !== true,
  fn: async () => {
    const run = await makeFixtureRun({ evaluations: 200, finals: 3 });
    try {
      const data = {
        records: run.records,
        front: new Set(run.front.map((r) => r.id)),
        finals: run.finals,
        hypervolume: run.checkpoint,
        generations: run.config.generations,
        seed: run.config.seed,
      };
      const written = await writeRunCharts(run.dir, data);
      const files = runChartConfigs(data).map(([file]) => join("charts", file));
      assert.deepEqual(written, { files });
      for (const file of files) {
        assert.deepEqual(pngSize(await Deno.readFile(join(run.dir, file))), {
          width: 900,
          height: 600,
        });
      }
    } finally {
      await run.remove();
    }
  },
});
