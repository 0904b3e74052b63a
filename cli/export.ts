/**
 * `deno task export`: makes a model file self-contained for embedding (docs/api.md): the
 * product tables and energies of its multipliers and its 8-bit quantisation, calibrated on
 * CIFAR-10 training images as `deno task evaluate` calibrates, go into the file. A browser
 * or Node.js then classifies with it, without the multiplier library or any data, to the same
 * bits as `deno task evaluate` with the same settings.
 *
 *   deno task export --model runs/train-resnet8-s1/model.apxnet --multipliers mul8u_bam_h1v4 \
 *     --compensate --out resnet8-bam.apxnet
 *
 * With --verify N (default 1000), the first N test images are classified through the new
 * file (float, exact and approximate 8-bit, one thread) and through evaluate's computation
 * from scratch (src/embed/verify.ts); the logits must agree bit for bit, and the accuracies
 * go into the file's metadata (`export`).
 *
 * --format onnx | onnx-qdq | bundle writes the network out of approxnas instead (docs/api.md,
 * "ONNX and hardware bundles"): the float network as ONNX, the exact 8-bit network as QDQ
 * ONNX (from a self-contained file), or a hardware bundle directory (both ONNX files, the
 * multipliers as Verilog and tables, per-layer parameters, a README with accuracies measured
 * on --verify N test images, default all 10,000).
 *
 *   deno task export --model resnet8.embed.apxnet --format bundle --out resnet8-bundle
 */
import { basename } from "node:path";
import { choiceFlag, intFlag, parseFlags, runMain, UsageError } from "../src/cli/args.ts";
import {
  CALIBRATION_COUNT_FLAG,
  CALIBRATION_METHOD_FLAG,
  calibrationFlag,
  DEFAULT_CALIBRATION_FLAG,
  MULTIPLIERS_ASSIGNMENT_FLAG,
  WEIGHTS_FLAG,
} from "../src/cli/quant_flags.ts";
import { DATA_FLAG } from "../src/cli/common_flags.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { makeSelfContained } from "../src/embed/export.ts";
import { verifySelfContained } from "../src/embed/verify.ts";
import { compileEngine } from "../src/engine/wasm.ts";
import { graphCost } from "../src/graph/count.ts";
import { DEFAULT_CALIBRATION_IMAGES } from "../src/quant/calibrate.ts";
import { readModelFile, saveModel } from "../src/model/model_file.ts";
import { defaultOut, EXPORT_FORMATS, exportAs, type ExportFormat } from "../src/export/formats.ts";

const FLAGS = {
  model: { type: "string", value: "FILE", help: "trained model file (.apxnet)" },
  format: {
    type: "string",
    value: "X",
    default: "apxnet",
    help: "apxnet (self-contained model file), onnx (float network), onnx-qdq (exact 8-bit, " +
      "from a self-contained file) or bundle (a directory for hardware designers)",
  },
  "keep-batchnorm": { type: "boolean", help: "onnx: batch norms as nodes, not folded" },
  out: {
    type: "string",
    value: "FILE",
    help: "where to write the self-contained file",
    defaultText: "MODEL with .embed.apxnet",
  },
  multipliers: MULTIPLIERS_ASSIGNMENT_FLAG,
  also: { type: "string", value: "LIST", help: "more library multipliers to carry" },
  compensate: {
    type: "boolean",
    help: "approximate 8-bit subtracts each multiplier's mean error from the biases",
    defaultText: "as the search recorded, else off",
  },
  "no-compensate": { type: "boolean", help: "approximate 8-bit without compensation" },
  "tune-weights": {
    type: "boolean",
    help: "with compensation, also store weight bytes tuned to each multiplier",
    defaultText: "as the search recorded, else off",
  },
  data: DATA_FLAG,
  calibration: {
    ...CALIBRATION_COUNT_FLAG,
    defaultText: `as a search recorded, else ${DEFAULT_CALIBRATION_IMAGES}`,
  },
  "calibration-method": {
    ...CALIBRATION_METHOD_FLAG,
    defaultText: `as a search recorded, else ${DEFAULT_CALIBRATION_FLAG}`,
  },
  weights: WEIGHTS_FLAG,
  verify: {
    type: "string",
    value: "N",
    help: "test images to classify through the file and evaluate's path (0: none); bundle: " +
      "the test images its accuracies are measured on",
    defaultText: "1000; bundle: 10000",
  },
} as const;

const USAGE = `Usage: deno task export --model FILE [options]

Example: deno task export --model runs/train-resnet8-s1/model.apxnet --multipliers mul8u_bam_h1v4 \\
  --compensate`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

await runMain(async () => {
  const f = parseFlags(Deno.args, FLAGS, USAGE);
  if (typeof f.model !== "string") throw new UsageError("--model FILE is required");
  if (f.compensate && f["no-compensate"]) {
    throw new UsageError("--compensate and --no-compensate contradict each other");
  }
  const format = choiceFlag("format", f.format, EXPORT_FORMATS);
  if (format !== "apxnet") return await exportOut(format, f.model, f);
  const out = typeof f.out === "string" ? f.out : f.model.replace(/(\.apxnet)?$/, ".embed.apxnet");
  const calibrationCount = f.calibration === undefined
    ? undefined
    : intFlag("calibration", f.calibration);
  const calibration = f["calibration-method"] === undefined
    ? undefined
    : calibrationFlag(String(f["calibration-method"]));
  const weights = choiceFlag("weights", f.weights, ["channel", "tensor"] as const);
  const verify = intFlag("verify", f.verify ?? "1000", 0);
  const model = await readModelFile(f.model);
  const dataDir = f.data === undefined ? undefined : String(f.data);
  const trainSet = await getCifar10({ dir: dataDir, split: "train" });
  const module = await compileEngine();
  const compensate = f.compensate ? true : f["no-compensate"] ? false : undefined;
  let embeddable;
  try {
    embeddable = await makeSelfContained(model, {
      calibrationImages: trainSet.images,
      calibrationCount,
      calibration,
      weights,
      multipliers: typeof f.multipliers === "string" ? f.multipliers : undefined,
      extraMultipliers: typeof f.also === "string"
        ? f.also.split(",").map((s) => s.trim()).filter(Boolean)
        : [],
      compensate,
      tuneWeights: f["tune-weights"] ? true : undefined,
      source: "CIFAR-10 training images",
      module,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const spec = embeddable.inference!;
  const usedText = spec.calibration.method === "minmax"
    ? "min-max"
    : `${spec.calibration.percentile}th percentile`;
  const cost = graphCost(model.graph);
  const choice = spec.multipliers;
  const choiceText = [
    choice.defaultName,
    ...Object.entries(choice.byNode).map(([n, m]) => `${n}=${m}`),
  ].join(",");
  console.log(
    `${f.model}: ${model.graph.name}, ${cost.params.toLocaleString("en")} parameters, ${
      cost.mults.toLocaleString("en")
    } multiplications per image`,
  );
  console.log(
    `multipliers ${choiceText}${spec.weightMaps ? ", weights tuned" : ""}${
      spec.compensate ? ", mean error compensated" : ""
    }; ` +
      `carries ${embeddable.tables!.map((t) => t.name).join(", ")}; ranges from the first ` +
      `${spec.calibration.images} training images (${usedText}), ${weights} weights`,
  );

  const record: Record<string, unknown> = {
    from: basename(f.model),
    multipliers: choiceText,
    compensate: spec.compensate,
    tuneWeights: spec.weightMaps !== undefined,
    calibration: spec.calibration,
    weights,
    date: new Date().toISOString(),
  };
  if (verify > 0) {
    const test = await getCifar10({ dir: dataDir, split: "test" });
    if (verify > test.n) throw new UsageError(`--verify ${verify}: the test set has ${test.n}`);
    let checks;
    try {
      checks = await verifySelfContained(model, embeddable, {
        test,
        count: verify,
        calibrationImages: trainSet.images,
        module,
        name: out,
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}; the file is not written`);
    }
    for (const c of checks) {
      const energy = c.energyPerInferenceNj;
      console.log(
        `${c.mode.padEnd(8)} ${pct(c.accuracy)} on the first ${verify} test images` +
          `${energy === null ? "" : `, ${energy.toFixed(1)} nJ per inference`} ` +
          `(${c.imagesPerSecond.toFixed(0)} img/s, one thread)` +
          (c.identicalToHost ? "; logits identical to evaluate's computation" : ""),
      );
    }
    record.test = {
      images: verify,
      ...Object.fromEntries(checks.map((c) => [c.mode, c.accuracy])),
    };
  }
  // As a search records them: `deno task evaluate` then defaults to the same multipliers.
  const perLayer = Object.fromEntries(
    [...cost.multsByNode.keys()].map((n) => [n, choice.byNode[n] ?? choice.defaultName]),
  );
  await saveModel(out, {
    ...embeddable,
    meta: {
      ...embeddable.meta,
      multipliers: perLayer,
      errorCompensation: spec.compensate,
      weightTuning: spec.weightMaps !== undefined,
      export: record,
    },
  });
  const size = (await Deno.stat(out)).size;
  console.log(`wrote ${out} (${(size / 1024).toFixed(0)} KiB)`);
});

/** --format onnx | onnx-qdq | bundle. */
async function exportOut(
  format: Exclude<ExportFormat, "apxnet">,
  path: string,
  f: Record<keyof typeof FLAGS, string | boolean | undefined>,
): Promise<void> {
  const model = await readModelFile(path);
  const out = typeof f.out === "string" ? f.out : defaultOut(path, format);
  let test;
  if (format === "bundle") {
    const count = intFlag("verify", f.verify ?? "10000", 0);
    const dir = f.data === undefined ? undefined : String(f.data);
    const set = await getCifar10({ dir, split: "test" });
    if (count > set.n) throw new UsageError(`--verify ${count}: the test set has ${set.n}`);
    if (count > 0) test = { ...set, count, source: "CIFAR-10 test images" };
  }
  try {
    const lines = await exportAs(format, model, {
      out,
      name: basename(path),
      keepBatchNorm: f["keep-batchnorm"] === true,
      test,
      module: test ? await compileEngine() : undefined,
    });
    lines.forEach((l) => console.log(l));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
