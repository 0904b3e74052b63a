/**
 * `deno task train`: trains a named network on CIFAR-10 and reports its accuracy on the
 * 10,000 test images.
 *
 *   deno task train --model resnet8 --epochs 10
 */
import { join } from "node:path";
import {
  choiceFlag,
  intFlag,
  numberFlag,
  parseFlags,
  runMain,
  UsageError,
} from "../src/cli/args.ts";
import { modelByName, MODELS } from "../src/graph/resnet.ts";
import { graphCost } from "../src/graph/count.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../src/train/recipe.ts";
import { train } from "../src/train/trainer.ts";
import { saveModel } from "../src/model/model_file.ts";
import { Progress } from "../src/util/progress.ts";
import type { Dataset } from "../src/train/replica.ts";

const FLAGS = {
  model: { type: "string", default: "resnet8", help: `network: ${Object.keys(MODELS).join(", ")}` },
  epochs: { type: "string", default: String(STANDARD_RECIPE.epochs), help: "training epochs" },
  batch: { type: "string", default: String(STANDARD_RECIPE.batch), help: "mini-batch size" },
  lr: { type: "string", default: String(STANDARD_RECIPE.maxLr), help: "peak learning rate" },
  schedule: { type: "string", default: STANDARD_RECIPE.schedule, help: "onecycle or cosine" },
  "weight-decay": {
    type: "string",
    default: String(STANDARD_RECIPE.weightDecay),
    help: "L2 weight decay",
  },
  "no-augment": { type: "boolean", help: "train without crop and flip" },
  seed: { type: "string", default: String(STANDARD_RECIPE.seed), help: "random seed" },
  workers: {
    type: "string",
    default: String(navigator.hardwareConcurrency || 1),
    help: "worker threads",
  },
  data: {
    type: "string",
    help: "CIFAR-10 directory (else $CIFAR10_DIR, else the cache, else download)",
  },
  "train-limit": { type: "string", help: "train on the first N training images only" },
  "test-limit": { type: "string", help: "evaluate on the first N test images only" },
  run: {
    type: "string",
    help: "run directory for checkpoints and the model (default runs/train-MODEL-sSEED)",
  },
  resume: { type: "boolean", help: "continue from the run directory's checkpoint" },
} as const;

function head(d: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= d.labels.length) return d;
  return { images: d.images.subarray(0, n * 3072), labels: d.labels.subarray(0, n) };
}

await runMain(async () => {
  const f = parseFlags(Deno.args, FLAGS, "Usage: deno task train [options]");
  const graph = modelByName(String(f.model));
  const recipe: TrainRecipe = {
    epochs: intFlag("epochs", f.epochs),
    batch: intFlag("batch", f.batch),
    maxLr: numberFlag("lr", f.lr),
    momentum: STANDARD_RECIPE.momentum,
    nesterov: STANDARD_RECIPE.nesterov,
    weightDecay: numberFlag("weight-decay", f["weight-decay"]),
    schedule: choiceFlag("schedule", f.schedule, ["onecycle", "cosine"] as const),
    augment: !f["no-augment"],
    seed: intFlag("seed", f.seed, 0),
  };
  const workers = intFlag("workers", f.workers);
  const runDir = String(f.run ?? join("runs", `train-${graph.name}-s${recipe.seed}`));
  if (f.resume && f.run === undefined) {
    throw new UsageError("--resume needs --run DIR (the directory of the run to continue)");
  }

  const dataDir = f.data === undefined ? undefined : String(f.data);
  const trainSet = head(
    await getCifar10({ dir: dataDir, split: "train" }),
    f["train-limit"] ? intFlag("train-limit", f["train-limit"]) : undefined,
  );
  const testSet = head(
    await getCifar10({ dir: dataDir, split: "test" }),
    f["test-limit"] ? intFlag("test-limit", f["test-limit"]) : undefined,
  );
  const cost = graphCost(graph);
  console.log(
    `${graph.name}: ${cost.params.toLocaleString("en")} parameters, ${
      cost.mults.toLocaleString("en")
    } multiplications per image`,
  );
  console.log(
    `training on ${trainSet.labels.length} CIFAR-10 training images, ${recipe.epochs} epochs, batch ${recipe.batch}, ` +
      `SGD${
        recipe.nesterov ? " Nesterov" : ""
      } momentum ${recipe.momentum}, weight decay ${recipe.weightDecay}, ` +
      `${recipe.schedule} to ${recipe.maxLr}, ${
        recipe.augment ? "crop+flip" : "no augmentation"
      }, seed ${recipe.seed}, ${workers} worker(s)`,
  );

  let bar: Progress | null = null;
  const result = await train({
    graph,
    recipe,
    train: trainSet,
    evaluation: testSet,
    workers,
    checkpointDir: runDir,
    resume: Boolean(f.resume),
    onStep: (s) => {
      if (s.step === 0) {
        bar = new Progress({
          total: s.stepsPerEpoch,
          label: `epoch ${s.epoch + 1}/${recipe.epochs}`,
        });
      }
      bar!.tick(1, `loss ${s.loss.toFixed(3)} lr ${s.lr.toFixed(4)}`);
    },
    onEpoch: (r) => {
      bar?.done();
      console.log(
        `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, train accuracy ${
          (100 * r.trainAccuracy).toFixed(2)
        }% (augmented), ` +
          `test accuracy ${
            (100 * r.evalAccuracy!).toFixed(2)
          }% on ${testSet.labels.length} test images, ` +
          `${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} img/s)`,
      );
    },
  });
  const last = result.history[result.history.length - 1];
  const modelPath = join(runDir, "model.apxnet");
  await saveModel(modelPath, {
    graph,
    params: result.params,
    state: result.state,
    meta: {
      recipe,
      workers,
      trainImages: trainSet.labels.length,
      testImages: testSet.labels.length,
      testAccuracy: last?.evalAccuracy,
      history: result.history,
      measured: "float32 inference with batch-norm running statistics on the CIFAR-10 test set",
      date: new Date().toISOString(),
    },
  });
  console.log(
    `test accuracy ${
      (100 * (last?.evalAccuracy ?? NaN)).toFixed(2)
    }% (${testSet.labels.length} CIFAR-10 test images, float32)` +
      `; model saved to ${modelPath}`,
  );
});
