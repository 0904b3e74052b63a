// The baselines pipeline on tiny synthetic data with the search's real final trainer and
// the real measurement: what it writes, and that a rerun (after a kill, with more networks
// or more multipliers) does only what is missing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { carveSearchData, type SearchData } from "../../../src/search/evaluate/data.ts";
import { SearchPool } from "../../../src/search/evaluate/pool.ts";
import type { FinalResult, FinalTask, FinalTrainer } from "../../../src/search/evaluate/task.ts";
import { compileEngine } from "../../../src/engine/wasm.ts";
import { getMultiplier } from "../../../src/multipliers/library.ts";
import { graphCost } from "../../../src/graph/count.ts";
import { readModelFile } from "../../../src/model/model_file.ts";
import { BaselineDir } from "../../../src/compare/baselines/dir.ts";
import { baselineConfig, baselineSettings } from "../../../src/compare/baselines/settings.ts";
import { BASELINE_MODELS } from "../../../src/compare/baselines/models.ts";
import { runBaselines, trainingOrder } from "../../../src/compare/baselines/run.ts";
import { MeasurePool } from "../../../src/compare/measure/pool.ts";
import type { PairResult, PairTask } from "../../../src/compare/measure/worker.ts";
import { baselineCsv, baselineMarkdown } from "../../../src/compare/baselines/report.ts";
import { synthetic } from "../_data.ts";

const entry = async (name: string) => ({ name, energyPj: (await getMultiplier(name)).energyPj });

/** The smoke preset's final retraining, shrunk further, with a held-out re-choice split. */
function tinyConfig(epochs = 1) {
  const { config, overrides } = baselineConfig("smoke", { epochs });
  config.final = { ...config.final, trainImages: 96, validationImages: 48, refineTolerance: 0.05 };
  return { config, overrides };
}

/** Real trainer and measurer, counting what they are asked to do. */
class Counting implements FinalTrainer {
  trained: string[] = [];
  /** Tasks that came with saved weights (a re-choice, no training). */
  reused: string[] = [];
  measured: string[] = [];
  failFor = new Set<string>();
  constructor(readonly trainer: SearchPool, readonly measurer: MeasurePool) {}
  retrain(task: FinalTask): Promise<FinalResult> {
    (task.trained ? this.reused : this.trained).push(task.id);
    if (this.failFor.has(task.id)) return Promise.reject(new Error(`boom in ${task.id}`));
    return this.trainer.retrain(task);
  }
  measure(task: PairTask): Promise<PairResult> {
    this.measured.push(`${task.network} ${task.multiplier}`);
    return this.measurer.measure(task);
  }
}

async function setup() {
  const { config, overrides } = tinyConfig();
  const data: SearchData = carveSearchData(synthetic(200, 1), synthetic(100, 2), config);
  const module = await compileEngine();
  const trainer = new SearchPool(module, data, 2);
  const measurer = new MeasurePool({ module, calibration: data.finalTrain, test: data.test }, 2);
  const path = await Deno.makeTempDir({ prefix: "baselines_" });
  const settings = baselineSettings(config, overrides, data);
  const refine = {
    tolerance: settings.refineTolerance!,
    library: await Promise.all(["mul8u_exact", "mul8u_trunc8", "mul8u_ot_a3b3"].map(entry)),
  };
  const counting = new Counting(trainer, measurer);
  const run = (
    models: string[],
    multipliers: string[],
    opts: { rechoose?: boolean; tolerance?: number } = {},
  ) =>
    Promise.all(multipliers.map(entry)).then((list) =>
      runBaselines({
        dir: new BaselineDir(path),
        settings,
        models,
        multipliers: list,
        refine: { ...refine, tolerance: opts.tolerance ?? refine.tolerance },
        rechoose: opts.rechoose,
        trainer: counting,
        measurer: counting,
      })
    );
  const close = async () => {
    trainer.close();
    measurer.close();
    await Deno.remove(path, { recursive: true });
  };
  return { path, settings, counting, run, close, data };
}

Deno.test("baselines: every pair measured as asked, and a rerun does only what is missing", async () => {
  const s = await setup();
  try {
    // First run: LeNet-5 with two multipliers (and whatever the re-choice rule picks).
    const first = await s.run(["lenet5"], ["mul8u_exact", "mul8u_trunc8"]);
    assert.deepEqual(s.counting.trained, ["lenet5"]);
    const model = await readModelFile(join(s.path, "models", "lenet5.apxnet"));
    const meta = model.meta as {
      test: { float: number; exact8: number; images: number };
      refined?: { multipliers: Record<string, string> };
      multipliers?: Record<string, string>;
      baseline: { network: string; trainSeconds: number };
    };
    assert.ok(meta.refined, "the search's re-choice ran on the held-out images");
    // The search's own file, as for a retrained Pareto network: the re-chosen multiplier is
    // its default and it carries its 8-bit plan; the training time is added.
    assert.deepEqual(meta.multipliers, meta.refined!.multipliers);
    assert.ok(model.inference, "self-contained");
    assert.equal(meta.baseline.network, "lenet5");
    assert.ok(meta.baseline.trainSeconds > 0);
    const rechosen = [...new Set(Object.values(meta.refined!.multipliers))];
    const expected = new Set(["mul8u_exact", "mul8u_trunc8", ...rechosen]);
    assert.deepEqual(new Set(first.map((r) => r.multiplier)), expected);
    const { params, mults } = graphCost(BASELINE_MODELS.lenet5());
    for (const r of first) {
      assert.equal(r.network, "lenet5");
      assert.equal(r.params, params);
      assert.equal(r.mults, mults);
      assert.equal(r.energyNj, (mults * (await entry(r.multiplier)).energyPj) / 1000);
      assert.equal(r.test.images, 100);
      assert.equal(r.test.float, meta.test.float);
      assert.equal(r.test.exact8, meta.test.exact8);
      assert.equal(r.epochs, 1);
      assert.equal(r.trainImages, 96);
      assert.equal(r.rechosen === true, rechosen.includes(r.multiplier), r.multiplier);
    }
    const exact = first.find((r) => r.multiplier === "mul8u_exact")!;
    assert.equal(exact.test.approx8, exact.test.exact8);
    assert.equal(exact.energyNj, exact.exactEnergyNj);

    // Second run: one more network, one more multiplier. LeNet-5 is not retrained and only
    // its new pair is measured.
    s.counting.trained = [];
    s.counting.measured = [];
    const second = await s.run(["lenet5", "resnet8"], [
      "mul8u_exact",
      "mul8u_trunc8",
      "mul8u_ot_a4b4",
    ]);
    assert.deepEqual(s.counting.trained, ["resnet8"]);
    assert.ok(s.counting.measured.includes("lenet5 mul8u_ot_a4b4"));
    assert.ok(!s.counting.measured.includes("lenet5 mul8u_exact"));
    assert.ok(!s.counting.measured.includes("lenet5 mul8u_trunc8"));
    const keys = second.map((r) => `${r.network} ${r.multiplier}`);
    assert.equal(new Set(keys).size, keys.length, "no pair twice");
    for (const m of ["mul8u_exact", "mul8u_trunc8", "mul8u_ot_a4b4"]) {
      assert.ok(keys.includes(`resnet8 ${m}`) && keys.includes(`lenet5 ${m}`), m);
    }

    // A kill while appending: the last line is cut short. The rerun drops it, measures that
    // pair again and nothing else, and trains nothing.
    const file = join(s.path, "results.jsonl");
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    const cut = JSON.parse(lines[lines.length - 1]);
    await Deno.writeTextFile(
      file,
      lines.slice(0, -1).join("\n") + "\n" + lines.at(-1)!.slice(0, 40),
    );
    s.counting.trained = [];
    s.counting.measured = [];
    const third = await s.run(["lenet5", "resnet8"], [
      "mul8u_exact",
      "mul8u_trunc8",
      "mul8u_ot_a4b4",
    ]);
    assert.deepEqual(s.counting.trained, []);
    assert.deepEqual(s.counting.measured, [`${cut.network} ${cut.multiplier}`]);
    assert.equal(third.length, second.length);
    const { seconds: _a, ...again } = third.at(-1)!;
    const { seconds: _b, ...before } = cut;
    assert.deepEqual(again, before, "measured again, the same figures");

    // The tables list every pair.
    const csv = baselineCsv(third).trimEnd().split("\n");
    assert.equal(csv.length, third.length + 1);
    const md = baselineMarkdown(third, s.settings, {});
    assert.match(md, /1 epoch\(s\) on 96 training images \(48 more held out\)/);
    assert.match(md, /seed 1: the 'smoke' preset's final retraining/);
    assert.equal(
      md.split("\n").filter((l) => l.startsWith("| ResNet-8 |")).length,
      third.filter((r) => r.network === "resnet8").length,
    );
  } finally {
    await s.close();
  }
});

Deno.test("baselines --rechoose: the re-choice runs again on the saved weights and its rows follow it", async () => {
  const s = await setup();
  try {
    await s.run(["lenet5"], ["mul8u_exact", "mul8u_trunc8"]);
    const path = join(s.path, "models", "lenet5.apxnet");
    type Meta = {
      test: { float: number; exact8: number };
      refined: { multipliers: Record<string, string> };
      baseline: { trainSeconds: number };
    };
    const before = (await readModelFile(path)).meta as unknown as Meta;
    // A tolerance of almost 1 lets the cheapest multiplier (ot_a3b3) through everywhere.
    s.counting.trained = [];
    s.counting.measured = [];
    const after = await s.run(["lenet5"], ["mul8u_exact", "mul8u_trunc8"], {
      rechoose: true,
      tolerance: 0.99,
    });
    assert.deepEqual(s.counting.trained, [], "nothing trained");
    assert.deepEqual(s.counting.reused, ["lenet5"]);
    const meta = (await readModelFile(path)).meta as unknown as Meta;
    assert.deepEqual(new Set(Object.values(meta.refined.multipliers)), new Set(["mul8u_ot_a3b3"]));
    assert.equal(meta.test.exact8, before.test.exact8);
    assert.equal(meta.baseline.trainSeconds, before.baseline.trainSeconds, "training time kept");
    // Rows: one per pair; only the new choice is marked, and it was measured again.
    const keys = after.map((r) => r.multiplier);
    assert.equal(new Set(keys).size, keys.length, "no pair twice");
    assert.deepEqual(after.filter((r) => r.rechosen).map((r) => r.multiplier), ["mul8u_ot_a3b3"]);
    assert.ok(s.counting.measured.includes("lenet5 mul8u_ot_a3b3"));
    const oldPick = [...new Set(Object.values(before.refined.multipliers))];
    for (const m of ["mul8u_exact", "mul8u_trunc8"]) {
      assert.ok(keys.includes(m), m);
      // Rows the old choice did not mark are kept, not measured again.
      assert.equal(s.counting.measured.includes(`lenet5 ${m}`), oldPick.includes(m), m);
    }
  } finally {
    await s.close();
  }
});

Deno.test("baselines: a failed training is reported once the others are saved and measured", async () => {
  const s = await setup();
  try {
    s.counting.failFor.add("resnet8");
    await assert.rejects(
      () => s.run(["lenet5", "resnet8"], ["mul8u_exact"]),
      /Baselines incomplete \(everything finished is saved in .*\): resnet8: boom in resnet8/,
    );
    const saved = await new BaselineDir(s.path).readResults();
    assert.deepEqual([...new Set(saved!.map((r) => r.network))], ["lenet5"]);
    // The next run trains only what failed.
    s.counting.failFor.clear();
    s.counting.trained = [];
    await s.run(["lenet5", "resnet8"], ["mul8u_exact"]);
    assert.deepEqual(s.counting.trained, ["resnet8"]);
  } finally {
    await s.close();
  }
});

Deno.test("baselines: a directory made with another budget is refused, naming its settings", async () => {
  const path = await Deno.makeTempDir({ prefix: "baselines_" });
  try {
    const { config, overrides } = tinyConfig(1);
    const data = carveSearchData(synthetic(200, 1), synthetic(10, 2), config);
    await new BaselineDir(path).open(baselineSettings(config, overrides, data));
    const other = tinyConfig(2);
    await assert.rejects(
      () => new BaselineDir(path).open(baselineSettings(other.config, other.overrides, data)),
      (e: Error) =>
        e.message.includes("epochs: 1 -> 2") && e.message.includes(join(path, "settings.json")) &&
        e.message.includes("another --out"),
    );
  } finally {
    await Deno.remove(path, { recursive: true });
  }
});

Deno.test("training order: longest first, and with one worker the cheapest first", () => {
  const all = ["resnet8", "resnet14", "resnet20", "lenet5"];
  assert.deepEqual(trainingOrder(all, 1), ["lenet5", "resnet8", "resnet14", "resnet20"]);
  const two = trainingOrder(all, 2);
  assert.deepEqual([...two].sort(), [...all].sort());
  // The longest network starts at once; the other worker gets the short ones first.
  assert.equal(two[0], "resnet20");
  assert.equal(two[1], "lenet5");
});
