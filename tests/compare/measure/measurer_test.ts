// The baselines' measurement must give the figures the search's would: same calibration,
// same bias correction, same test accuracy, for the exact and an approximate multiplier.
import assert from "node:assert/strict";
import { trainAndMeasure } from "../../../src/search/evaluate/measure.ts";
import { measureRecipe } from "../../../src/search/evaluate/recipe.ts";
import { NetworkMeasurer } from "../../../src/compare/measure/measurer.ts";
import { MeasurePool } from "../../../src/compare/measure/pool.ts";
import { lenet5 } from "../../../src/graph/lenet.ts";
import { graphCost } from "../../../src/graph/count.ts";
import { compileEngine } from "../../../src/engine/wasm.ts";
import { encodeModel } from "../../../src/model/model_file.ts";
import { resolveLibrary } from "../../../src/quant/library_tables.ts";
import { synthetic } from "../_data.ts";

Deno.test("baseline measurement reproduces trainAndMeasure's exact and approximate 8-bit accuracy", async () => {
  const module = await compileEngine();
  const graph = lenet5();
  const train = synthetic(256, 1), test = synthetic(300, 2);
  const layers = [...graphCost(graph).multsByNode.keys()];
  const cases = [
    ["mul8u_trunc8", true, false],
    ["mul8u_bam_h3v9", true, true],
    ["mul8u_ot_a3b3", false, false],
  ] as const;
  const library = await resolveLibrary(["mul8u_exact", ...cases.map(([m]) => m)]);
  for (const [multiplier, compensate, tuneWeights] of cases) {
    const r = await trainAndMeasure({
      module,
      graph,
      multipliers: Object.fromEntries(layers.map((id) => [id, multiplier])),
      recipe: measureRecipe(
        { seed: 5, epochs: 2, batch: 32, maxLr: 0.05 },
        { calibrationImages: 48, compensate, tuneWeights },
      ),
      trainData: train,
      evalData: test,
      library,
    });
    const setup = { module, calibration: train, calibrationImages: 48, compensate, tuneWeights };
    const what = `${multiplier}, compensate ${compensate}, tune ${tuneWeights}`;
    const here = await NetworkMeasurer.create(r.model, { ...setup, library });
    assert.equal(await here.accuracy("mul8u_exact", test), r.measured.exact8, `exact, ${what}`);
    assert.equal(await here.accuracy(multiplier, test), r.measured.approx8, `approx, ${what}`);
    // The same through the worker pool, two pairs at once.
    const pool = new MeasurePool({ module, calibration: train, test, library }, 2);
    try {
      const task = { network: "lenet5", model: encodeModel(r.model), ...setup };
      const [exact, approx] = await Promise.all([
        pool.measure({ ...task, multiplier: "mul8u_exact" }),
        pool.measure({ ...task, multiplier }),
      ]);
      assert.equal(exact.accuracy, r.measured.exact8, `pool exact, ${what}`);
      assert.equal(approx.accuracy, r.measured.approx8, `pool approx, ${what}`);
    } finally {
      pool.close();
    }
    // The network learnt something and the multiplier changes answers, so the equalities
    // above compare figures that could differ.
    assert.ok(r.measured.exact8 > 0.45, `exact 8-bit ${r.measured.exact8} above chance`);
    assert.notEqual(r.measured.approx8, r.measured.exact8, what);
  }
});
