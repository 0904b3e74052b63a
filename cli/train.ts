/**
 * `deno task train`: trains a named network on CIFAR-10 and reports its accuracy on the
 * 10,000 test images.
 *
 *   deno task train --arch resnet8 --epochs 10
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
import { DATA_FLAG, WORKERS_FLAG, workersDefault } from "../src/cli/common_flags.ts";
import { modelByName, MODELS } from "../src/graph/resnet.ts";
import { graphCost } from "../src/graph/count.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../src/train/recipe.ts";
import { train } from "../src/train/trainer.ts";
import { saveModel } from "../src/model/model_file.ts";
import { Progress } from "../src/util/progress.ts";
import { IMAGE_BYTES, type LabelledImages } from "../src/data/cifar10/format.ts";

const FLAGS = {
  arch: {
    type: "string",
    value: "NAME",
    default: "resnet8",
    aliases: ["model"],
    help: `network architecture: ${Object.keys(MODELS).join(", ")}`,
  },
  epochs: { type: "string", value: "N", default: String(STANDARD_RECIPE.epochs), help: "epochs" },
  batch: {
    type: "string",
    value: "N",
    default: String(STANDARD_RECIPE.batch),
    help: "mini-batch size",
  },
  lr: {
    type: "string",
    value: "X",
    default: String(STANDARD_RECIPE.maxLr),
    help: "peak learning rate",
  },
  schedule: {
    type: "string",
    value: "NAME",
    default: STANDARD_RECIPE.schedule,
    help: "learning-rate schedule: onecycle or cosine",
  },
  "weight-decay": {
    type: "string",
    value: "X",
    default: String(STANDARD_RECIPE.weightDecay),
    help: "L2 weight decay",
  },
  "no-augment": { type: "boolean", help: "train without crop and flip" },
  seed: { type: "string", value: "N", default: String(STANDARD_RECIPE.seed), help: "random seed" },
  workers: WORKERS_FLAG,
  data: DATA_FLAG,
  "train-limit": {
    type: "string",
    value: "N",
    help: "train on the first N training images only",
    defaultText: "all 50,000",
  },
  "test-limit": {
    type: "string",
    value: "N",
    help: "evaluate on the first N test images only",
    defaultText: "all 10,000",
  },
  run: {
    type: "string",
    value: "RUN",
    help: "run directory for checkpoints and the model",
    defaultText: "runs/train-ARCH-sSEED",
  },
  resume: {
    type: "string",
    value: "RUN",
    help: "continue the run in this directory from its last checkpoint",
  },
} as const;

const USAGE = `Usage: deno task train [options]

Example: deno task train --arch resnet8 --epochs 10`;

/** `--run DIR --resume` (the old form, --resume without a value) as `--resume DIR`. */
function oldResumeForm(argv: string[]): string[] {
  const at = argv.indexOf("--resume");
  const next = argv[at + 1];
  if (at < 0 || (next !== undefined && !next.startsWith("-"))) return argv;
  const run = argv[argv.indexOf("--run") + 1];
  if (!argv.includes("--run") || run === undefined) {
    throw new UsageError("--resume expects the directory of the run to continue (--resume RUN)");
  }
  console.error("note: --run DIR --resume is now --resume DIR (the old form is accepted for now)");
  return [...argv.slice(0, at), "--resume", run, ...argv.slice(at + 1)];
}

function head(d: LabelledImages, n: number | undefined): LabelledImages {
  if (n === undefined || n >= d.labels.length) return d;
  return { images: d.images.subarray(0, n * IMAGE_BYTES), labels: d.labels.subarray(0, n) };
}

await runMain(async () => {
  const f = parseFlags(oldResumeForm(Deno.args), FLAGS, USAGE);
  const graph = modelByName(String(f.arch));
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
  const workers = f.workers === undefined ? workersDefault() : intFlag("workers", f.workers);
  if (f.resume !== undefined && f.run !== undefined && f.resume !== f.run) {
    throw new UsageError(`--resume ${f.resume} and --run ${f.run} name different runs`);
  }
  const runDir = String(f.resume ?? f.run ?? join("runs", `train-${graph.name}-s${recipe.seed}`));

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
    resume: f.resume !== undefined,
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
