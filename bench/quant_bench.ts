/**
 * 8-bit inference throughput: ResNet-8 through approximate multipliers, images per second
 * with 1 and 2 workers, beside the float inference of the same engine (ReplicaPool, batch
 * norm running statistics) on the same images.
 *
 * Multipliers are chosen to show each kernel path: mul8u_exact (exact dot products, one
 * stream), mul8u_ot_a2b2 (operand truncation: one stream plus the zero-point window sum),
 * mul8u_trunc2 (rank 3: three streams), mul8u_orl6 and mul8u_mitchell (no low-rank form:
 * gathered rows), and mul8u_exact forced onto the scalar table path (the baseline); then
 * signed circuits (mul8s_exact, mul8s_trunc6: int8 weights and activations) and 8x4 ones
 * (mul8x4u_exact, mul8x4u_trunc4: 4-bit weights), each layer's weights coded for them.
 *
 * Run alone: deno run --allow-read --allow-env bench/quant_bench.ts [--model FILE] [--data DIR]
 * (a trained model gives realistic activation sparsity, which the rows path exploits; without
 * one, the untrained initial weights and seeded random images are used).
 */
import { compileEngine } from "../src/engine/wasm.ts";
import type { Graph } from "../src/graph/graph.ts";
import { resnet } from "../src/graph/resnet.ts";
import { resolveLibrary } from "../src/quant/library_tables.ts";
import type { PathChoice } from "../src/quant/qnetwork.ts";
import { QuantizedPool } from "../src/quant/qpool.ts";
import { quantizeModel, rangesNeeded } from "../src/quant/quantize.ts";
import { calibrateRanges } from "../src/quant/calibrate.ts";
import type { MultiplierAssignment } from "../src/quant/assignment.ts";
import { needsCodes, weightCodes } from "../src/quant/bound_plan.ts";
import { graphCost } from "../src/graph/count.ts";
import type { SavedModel } from "../src/model/model_file.ts";
import { ReplicaPool } from "../src/train/replica_pool.ts";
import { initialWeights } from "../src/train/trainer.ts";
import { Rng } from "../src/util/rng.ts";
import { IMAGE_BYTES } from "../src/data/cifar10/format.ts";

export interface QuantBenchRow {
  graph: string;
  /** "float" or the multiplier's name. */
  engine: string;
  path: string;
  workers: number;
  imgPerSec: number;
}

export interface QuantBenchOptions {
  /** A trained model (default: ResNet-8 with its initial weights). */
  model?: SavedModel;
  /** Images in CIFAR-10 layout (default: seeded random bytes). */
  images?: Uint8Array;
  /** Images per timed pass (default 2000). */
  count?: number;
  /** Timed passes; the best is kept (default 3). */
  reps?: number;
  workers?: number[];
  /** [multiplier, path] pairs (default: see the file's comment). */
  cases?: [string, PathChoice][];
  onRow?: (r: QuantBenchRow) => void;
}

export const DEFAULT_CASES: [string, PathChoice][] = [
  ["mul8u_exact", "auto"],
  ["mul8u_ot_a2b2", "auto"],
  ["mul8u_trunc2", "auto"],
  ["mul8u_orl6", "auto"],
  ["mul8u_mitchell", "auto"],
  ["mul8u_exact", "table"],
  ["mul8s_exact", "auto"],
  ["mul8s_trunc6", "auto"],
  ["mul8x4u_exact", "auto"],
  ["mul8x4u_trunc4", "auto"],
];

/** Float and 8-bit inference images/s of ResNet-8 (or opts.model) with 1 and 2 workers. */
export async function benchQuantized(opts: QuantBenchOptions = {}): Promise<QuantBenchRow[]> {
  const count = opts.count ?? 2000, reps = opts.reps ?? 3;
  const module = await compileEngine();
  const graph: Graph = opts.model?.graph ?? resnet(8);
  const model = opts.model ?? { graph, ...(await initialWeights(graph, 1, module)), meta: {} };
  const rng = new Rng(7);
  const images = opts.images ??
    Uint8Array.from({ length: count * IMAGE_BYTES }, () => rng.int(256));
  if (images.length < count * IMAGE_BYTES) {
    throw new Error(`benchQuantized: fewer than ${count} images`);
  }
  const labels = new Uint8Array(images.length / IMAGE_BYTES);
  const ranges = await calibrateRanges(
    model,
    images,
    Math.min(500, count),
    rangesNeeded(graph),
    { method: "minmax" },
  );
  const layers = [...graphCost(graph).multsByNode.keys()];
  /** The plan with every layer's weights coded for `assignment`'s multipliers. */
  const planFor = (assignment: MultiplierAssignment) =>
    quantizeModel(model, ranges, {
      codes: needsCodes(assignment, layers) ? weightCodes(assignment, layers) : undefined,
    });
  const rows: QuantBenchRow[] = [];
  const emit = (r: QuantBenchRow) => {
    rows.push(r);
    opts.onRow?.(r);
  };
  const best = async (run: () => Promise<unknown>) => {
    await run(); // warm-up: compiles the hot kernels
    let top = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await run();
      top = Math.max(top, count / ((performance.now() - t0) / 1000));
    }
    return top;
  };
  const cases = opts.cases ?? DEFAULT_CASES;
  const library = await resolveLibrary(cases.map(([name]) => name));
  for (const workers of opts.workers ?? [1, 2]) {
    const pool = await ReplicaPool.create({
      module,
      graph,
      batch: 100,
      count: workers,
      datasets: { bench: { images, labels } },
    });
    try {
      await pool.setWeights({ params: model.params, state: model.state });
      const ips = await best(() => pool.evaluate("bench", count));
      emit({ graph: graph.name, engine: "float", path: "float32", workers, imgPerSec: ips });
    } finally {
      pool.close();
    }
    for (const [name, path] of cases) {
      const assignment: MultiplierAssignment = { defaultName: name, byNode: {}, library };
      const q = await QuantizedPool.create({
        plan: planFor(assignment),
        assignment,
        images,
        workers,
        options: { batch: 100, path },
        module,
      });
      try {
        const runs = q.layers.map((l) => (l.path === "dot" ? `dot${l.streams}` : l.path));
        const summary = [...new Set(runs)].join("+");
        const ips = await best(() => q.predict(count));
        emit({ graph: graph.name, engine: name, path: summary, workers, imgPerSec: ips });
      } finally {
        q.close();
      }
    }
  }
  return rows;
}

if (import.meta.main) {
  const { parseFlags, intFlag, runMain } = await import("../src/cli/args.ts");
  const { readModelFile } = await import("../src/model/model_file.ts");
  const { getCifar10 } = await import("../src/data/cifar10/mod.ts");
  await runMain(async () => {
    const f = parseFlags(Deno.args, {
      model: { type: "string", help: "trained model file (default: untrained ResNet-8)" },
      data: { type: "string", help: "CIFAR-10 directory: bench on its test images" },
      count: { type: "string", default: "2000", help: "images per timed pass" },
      reps: { type: "string", default: "3", help: "timed passes (best kept)" },
    }, "Usage: deno run --allow-read --allow-env bench/quant_bench.ts [options]");
    const model = f.model ? await readModelFile(String(f.model)) : undefined;
    const images = f.data
      ? (await getCifar10({ dir: String(f.data), split: "test" })).images
      : undefined;
    console.log("| network | engine | kernels | workers | img/s |");
    console.log("| --- | --- | --- | --- | --- |");
    await benchQuantized({
      model,
      images,
      count: intFlag("count", f.count),
      reps: intFlag("reps", f.reps),
      onRow: (r) =>
        console.log(
          `| ${r.graph} | ${r.engine} | ${r.path} | ${r.workers} | ${r.imgPerSec.toFixed(0)} |`,
        ),
    });
  });
}
