import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/graph/builder.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../../src/train/recipe.ts";
import { train } from "../../src/train/trainer.ts";
import { Rng } from "../../src/util/rng.ts";
import type { LabelledImages } from "../../src/data/cifar10/format.ts";

/** Images whose class (0 or 1) says whether the red plane is bright: learnable in a few steps. */
function toyData(n: number, seed: number): LabelledImages {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(2);
    for (let j = 0; j < 3072; j++) {
      const base = j < 1024 && labels[i] === 1 ? 170 : 60;
      images[i * 3072 + j] = Math.min(255, base + rng.int(80));
    }
  }
  return { images, labels };
}

function toyGraph() {
  const g = new GraphBuilder("toy", { h: 32, w: 32, c: 3 }, 10);
  const x = g.pool("avgpool", g.convBnRelu("input", 4, 3, 2), 2, 2);
  return g.build(g.dense(g.gap(x), 10));
}

const recipe: TrainRecipe = { ...STANDARD_RECIPE, epochs: 3, batch: 16, maxLr: 0.05, seed: 3 };

Deno.test("training lowers the loss and learns a separable toy task", async () => {
  const data = toyData(96, 1);
  const r = await train({
    graph: toyGraph(),
    recipe,
    train: data,
    evaluation: toyData(64, 2),
    workers: 2,
  });
  assert.equal(r.history.length, 3);
  assert.ok(
    r.history[2].trainLoss < r.history[0].trainLoss,
    `loss ${r.history.map((h) => h.trainLoss)}`,
  );
  assert.ok(r.history[2].evalAccuracy! >= 0.9, `eval accuracy ${r.history[2].evalAccuracy}`);
});

Deno.test("same seed, same workers: the same weights bit for bit", async () => {
  const data = toyData(40, 4);
  const opts = { graph: toyGraph(), recipe: { ...recipe, epochs: 1 }, train: data, workers: 2 };
  const a = await train(opts), b = await train(opts);
  assert.deepEqual(a.params, b.params);
  assert.deepEqual(a.state, b.state);
  const c = await train({ ...opts, recipe: { ...opts.recipe, seed: 99 } });
  assert.notDeepEqual(a.params, c.params);
});

Deno.test("a run killed after an epoch resumes to the same weights as one never stopped", async () => {
  const data = toyData(40, 5);
  const dir = await Deno.makeTempDir();
  const opts = { graph: toyGraph(), recipe: { ...recipe, epochs: 2 }, train: data, workers: 2 };
  const whole = await train(opts);
  await assert.rejects(
    train({
      ...opts,
      checkpointDir: dir,
      onEpoch: (r) => {
        if (r.epoch === 1) throw new Error("killed");
      },
    }),
    /killed/,
  );
  const resumed = await train({ ...opts, checkpointDir: dir, resume: true });
  assert.deepEqual(resumed.params, whole.params);
  assert.deepEqual(resumed.state, whole.state);
  assert.equal(resumed.history.length, 2);
  // A checkpoint from another recipe is refused, naming the difference.
  await assert.rejects(
    train({ ...opts, recipe: { ...opts.recipe, batch: 8 }, checkpointDir: dir, resume: true }),
    /trained with batch = 16, this run asks for 8/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("training in this thread gives the same weights as one worker", async () => {
  const data = toyData(40, 6);
  const opts = {
    graph: toyGraph(),
    recipe: { ...recipe, epochs: 1 },
    train: data,
    evaluation: toyData(20, 7),
  };
  const local = await train({ ...opts, workers: 0 });
  const worker = await train({ ...opts, workers: 1 });
  assert.deepEqual(local.params, worker.params);
  assert.deepEqual(local.state, worker.state);
  assert.equal(local.history[0].evalAccuracy, worker.history[0].evalAccuracy);
});
