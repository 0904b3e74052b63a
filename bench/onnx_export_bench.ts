/**
 * Time to export the largest network of the default search space (scripts/cgp_example.ts:
 * 18 residual blocks of 64 5x5 filters at 32x32, 3.5M parameters) to ONNX: the float file
 * and the QDQ file (which rebuilds the 8-bit plan from the stored calibration), as
 * `deno task export --format onnx | onnx-qdq` does after reading the model file. The model
 * has seeded weights and is calibrated once on 2 random images (not timed).
 *
 *   deno run --allow-read --allow-env bench/onnx_export_bench.ts [--repeat 3]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { largestDefaultGraph } from "../scripts/cgp_example.ts";
import { EXACT_NAME } from "../src/multipliers/catalogue.ts";
import { calibrateRanges } from "../src/quant/calibrate.ts";
import { exactTable } from "../src/model/product_table.ts";
import { rangesNeeded } from "../src/quant/quantize.ts";
import { floatOnnx, qdqOnnx } from "../src/export/onnx/mod.ts";
import { graphCost } from "../src/graph/count.ts";
import { initialWeights } from "../src/train/trainer.ts";
import { decodeModel, encodeModel, type SavedModel } from "../src/model/model_file.ts";
import { Rng } from "../src/util/rng.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { repeat: { type: "string", default: "3" } },
});
const graph = largestDefaultGraph();
const cost = graphCost(graph);
const { params, state } = await initialWeights(graph, 1);
const rng = new Rng(2);
const images = Uint8Array.from({ length: 2 * 3072 }, () => rng.int(256));
// Calibrated as makeSelfContained would, one image at a time (its batch of 100 would not fit
// the engine's 4 GiB); exact multipliers, so no corrections.
const plain: SavedModel = { graph, params, state, meta: {} };
const calibration = { method: "percentile", percentile: 99.999 } as const;
const ids = rangesNeeded(graph);
const ranges = await calibrateRanges(plain, images, 2, ids, calibration, undefined, 1);
const model: SavedModel = {
  ...plain,
  tables: [{ name: EXACT_NAME, energyPj: 0, table: exactTable() }],
  inference: {
    multipliers: { defaultName: EXACT_NAME, byNode: {} },
    compensate: false,
    weights: "channel",
    calibration: { ...calibration, images: 2 },
    ranges: Object.fromEntries(ids.map((id) => [id, [ranges.get(id)!.lo, ranges.get(id)!.hi]])),
    corrections: {},
  },
};
const file = encodeModel(model);
console.log(
  `${graph.name}: ${cost.params.toLocaleString("en-US")} parameters, ` +
    `${(cost.mults / 1e9).toFixed(2)} G multiplications, model file ${
      (file.length / 2 ** 20).toFixed(1)
    } MiB`,
);
/** Wall-clock and CPU milliseconds of `fn` (CPU time does not grow with the machine's load). */
function timed<T>(fn: () => T): { value: T; text: string } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const value = fn();
  const cpu = process.cpuUsage(c0);
  const ms = (x: number) => x.toFixed(0);
  return {
    value,
    text: `${ms(performance.now() - t0)} ms (CPU ${ms((cpu.user + cpu.system) / 1000)})`,
  };
}

for (let r = 0; r < Number(values.repeat); r++) {
  const read = timed(() => decodeModel(file, "largest"));
  const f = timed(() => floatOnnx(read.value));
  const q = timed(() => qdqOnnx(read.value, "largest"));
  console.log(
    `read ${read.text}; float ONNX ${f.text}, ${(f.value.length / 2 ** 20).toFixed(1)} MiB; ` +
      `QDQ ONNX ${q.text}, ${(q.value.length / 2 ** 20).toFixed(1)} MiB`,
  );
}
