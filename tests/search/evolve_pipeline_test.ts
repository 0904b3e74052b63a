// The whole search pipeline with real training, quantisation and multipliers, on tiny
// synthetic data: workers, run directory, final retraining, exported models, report.
import assert from "node:assert/strict";
import { presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { evolve } from "../../src/search/loop/evolve.ts";
import { type FinalPlan, retrainFront } from "../../src/search/final/retrain.ts";
import { capacityPick } from "../../src/search/final/picks.ts";
import { writeReport } from "../../src/search/report/write_report.ts";
import { carveSearchData } from "../../src/search/evaluate/data.ts";
import { SearchPool } from "../../src/search/evaluate/pool.ts";
import { compileEngine } from "../../src/engine/wasm.ts";
import { getMultiplier } from "../../src/multipliers/library.ts";
import { readModelFile } from "../../src/model/model_file.ts";
import { Rng } from "../../src/util/rng.ts";
import { createClassifier, loadModel as loadEmbedded } from "../../mod.ts";
import type { LabelledImages } from "../../src/data/cifar10/format.ts";

/** Images whose class is which colour plane is brightest (3 classes of 10 used). */
function synthetic(n: number, seed: number): LabelledImages {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(3);
    for (let j = 0; j < 3072; j++) {
      images[i * 3072 + j] = (Math.floor(j / 1024) === labels[i] ? 120 : 40) + rng.int(100);
    }
  }
  return { images, labels };
}

const names = ["mul8u_exact", "mul8u_trunc8", "mul8u_ot_a4b4"];

async function run(workers: number) {
  const config = { ...presetConfig("smoke"), multipliers: names, workers };
  const library = await Promise.all(
    names.map(async (n) => ({ name: n, energyPj: (await getMultiplier(n)).energyPj })),
  );
  const data = carveSearchData(synthetic(400, 1), synthetic(120, 2), config);
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "evolve_pipeline_" }));
  await dir.create(config);
  const pool = new SearchPool(await compileEngine(), data, workers);
  try {
    const { population, archive, checkpoint } = await evolve(dir, config, library, pool);
    const finals = await retrainFront(dir, config, library, await dir.readEvaluations(), pool);
    await writeReport(dir.path, config, await dir.readEvaluations(), finals, checkpoint);
    return {
      dir,
      population,
      archive,
      checkpoint,
      finals,
      data,
      evaluations: await dir.readEvaluations(),
    };
  } finally {
    pool.close();
  }
}

Deno.test("the search trains, quantises and measures candidates, retrains its front and exports it", async () => {
  const { dir, finals, data, population, archive, checkpoint, evaluations } = await run(2);
  const trained = evaluations.filter((r) => r.validation);
  assert.ok(trained.length > 0);
  for (const r of trained) {
    const v = r.validation!;
    for (const a of [v.float, v.exact8, v.approx8]) assert.ok(a >= 0 && a <= 1);
    assert.equal(v.images, 64);
    assert.equal(r.objectives[0], 1 - v.approx8);
    if (Object.values(r.multipliers).every((m) => m === "mul8u_exact")) {
      assert.equal(v.approx8, v.exact8);
    }
  }
  assert.ok(finals.length >= 1);
  for (const f of finals) {
    assert.equal(f.error, undefined);
    assert.equal(f.test.images, 120);
    const model = await readModelFile(dir.file(f.model));
    assert.ok(f.exactEnergyNj >= f.energyNj);
    // The smoke preset re-chooses the multiplier on 64 held-out images.
    const r = f.refined!;
    assert.equal(r.validation.images, 64);
    assert.ok(r.validation.approx8 >= r.validation.exact8 - r.validation.tolerance);
    assert.ok(r.energyNj <= f.exactEnergyNj + 1e-9);
    const whole = r.trials.filter((t) => !t.node);
    for (const t of whole.slice(0, -1)) {
      assert.ok(t.approx8 < r.validation.exact8 - r.validation.tolerance, `${f.id}: ${t.name}`);
    }
    for (const t of r.trials.filter((t) => t.node)) {
      const kept = r.multipliers[t.node!] === t.name;
      if (kept) assert.ok(t.approx8 >= r.validation.exact8 - r.validation.tolerance);
    }
    assert.deepEqual(model.meta.multipliers, r.multipliers);
    assert.deepEqual(model.meta.searchMultipliers, f.multipliers);
    // The exported file is self-contained: the embedding API, with nothing but the file,
    // classifies the test set exactly as the search measured it.
    const classifier = await createClassifier({
      model: loadEmbedded(await Deno.readFile(dir.file(f.model)), f.id),
      wasm: await compileEngine(),
      mode: "approx8",
    });
    const { labels } = classifier.classify(data.test.images);
    classifier.close();
    const correct = labels.filter((l, i) => l === data.test.labels[i]).length;
    assert.equal(correct / labels.length, r.test.approx8, f.id);
  }
  // Re-choosing with another tolerance reuses the retrained weights: same test figures, the
  // new tolerance in force, a newer line per network in final.jsonl.
  const config = { ...presetConfig("smoke"), multipliers: names, workers: 2 };
  config.final = { ...config.final, refineTolerance: 0.5 };
  const library = await Promise.all(
    names.map(async (n) => ({ name: n, energyPj: (await getMultiplier(n)).energyPj })),
  );
  const pool = new SearchPool(await compileEngine(), data, 2);
  try {
    const plans: FinalPlan[] = [];
    const again = await retrainFront(dir, config, library, evaluations, pool, {
      rechoose: true,
      onPlan: (p) => plans.push(p),
    });
    assert.deepEqual(plans, [{
      count: finals.length,
      retrainedBefore: 0,
      rechoose: true,
      askedFor: false,
      rechooseImages: config.final.validationImages,
    }]);
    assert.deepEqual(again.map((f) => [f.id, f.test]), finals.map((f) => [f.id, f.test]));
    for (const f of again) {
      assert.equal(f.refined!.validation.tolerance, 0.5);
      assert.ok(f.refined!.validation.approx8 >= f.refined!.validation.exact8 - 0.5);
      const model = await readModelFile(dir.file(f.model));
      assert.deepEqual(model.meta.multipliers, f.refined!.multipliers);
    }
    assert.deepEqual(await dir.readFinal(), again);

    // A candidate asked for by id is retrained too; the earlier networks stay in the result.
    const other = evaluations.find((r) =>
      r.validation && r.violation === 0 && !r.error && !finals.some((f) => f.id === r.id)
    );
    assert.ok(other, "a trained candidate that was not retrained");
    {
      const more = await retrainFront(dir, config, library, evaluations, pool, {
        extra: [other.id],
        onPlan: (p) => plans.push(p),
      });
      assert.deepEqual(plans[1], {
        count: 1,
        retrainedBefore: finals.length,
        rechoose: false,
        askedFor: true,
        rechooseImages: config.final.validationImages,
      });
      const added = more.find((f) => f.id === other.id)!;
      assert.equal(added.error, undefined);
      assert.equal(added.test.images, 120);
      assert.equal(added.params, other.params);
      for (const f of finals) assert.ok(more.some((x) => x.id === f.id), f.id);
    }
    await assert.rejects(
      retrainFront(dir, config, library, evaluations, pool, { extra: ["g99-c0"] }),
      /--retrain: candidate 'g99-c0' is not in .*evaluations\.jsonl/,
    );
  } finally {
    pool.close();
  }
  // Every parent and every archive member keeps the model it was trained into during the
  // search; the others' are pruned.
  const kept = new Set<string>();
  for await (const e of Deno.readDir(dir.file("models/search"))) {
    kept.add(`models/search/${e.name}`);
  }
  const expected = new Set(
    [...population, ...archive].map((r) => r.model).filter((m) => m !== undefined),
  );
  assert.ok(kept.size > 0);
  assert.deepEqual(kept, expected);
  for (const path of kept) {
    const m = await readModelFile(dir.file(path));
    assert.ok(m.params.length > 0);
  }
  // The archive is the front of every evaluation: nothing evaluated dominates a member, and
  // its hypervolume never falls and is never below the parents'.
  const feasible = evaluations.filter((r) => r.violation === 0 && r.validation && !r.error);
  for (const a of archive) {
    assert.ok(
      !feasible.some((r) =>
        r.objectives.every((v, i) => v <= a.objectives[i]) &&
        r.objectives.some((v, i) => v < a.objectives[i])
      ),
      a.id,
    );
  }
  const ahv = checkpoint.archiveHypervolume!;
  assert.equal(ahv.length, checkpoint.hypervolume.length);
  ahv.forEach((h, g) => {
    if (g > 0) assert.ok(h >= ahv[g - 1] - 1e-12, `generation ${g}`);
    assert.ok(h >= checkpoint.hypervolume[g] - 1e-12, `generation ${g}`);
  });
  // What is retrained: the archive's members and the capacity pick.
  const extra = capacityPick(presetConfig("smoke"), evaluations);
  for (const f of finals) {
    assert.ok(archive.some((r) => r.id === f.id) || f.id === extra?.id, f.id);
  }
  const csv = await Deno.readTextFile(dir.file("pareto.csv"));
  assert.ok(csv.startsWith("id,params,mults,multipliers,energy_nJ"));
  assert.equal(csv.trimEnd().split("\n").length, archive.length + 1);
  assert.match(await Deno.readTextFile(dir.file("pareto.md")), /and of the archive/);
  await Deno.remove(dir.path, { recursive: true });
});

Deno.test("the same seed gives the same genomes and objectives with 1 and 2 workers", async () => {
  const a = await run(1), b = await run(2);
  const key = (rs: typeof a.evaluations) =>
    rs.map((r) => ({
      id: r.id,
      genome: r.genome,
      objectives: r.objectives,
      validation: r.validation,
    }))
      .sort((x, y) => x.id.localeCompare(y.id));
  assert.deepEqual(key(a.evaluations), key(b.evaluations));
  assert.deepEqual(
    a.finals.map((f) => [f.id, f.test, f.refined]),
    b.finals.map((f) => [f.id, f.test, f.refined]),
  );
  for (const r of [a, b]) await Deno.remove(r.dir.path, { recursive: true });
});
