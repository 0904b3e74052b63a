/**
 * `deno task evaluate`: accuracy of a trained network in float, in exact 8-bit arithmetic and
 * with approximate multipliers, and the energy of the multiplications of one inference.
 *
 *   deno task evaluate --model runs/train-resnet8-s1/model.apxnet --multipliers mul8u_trunc6
 *   deno task evaluate --model M --multipliers mul8u_exact,conv5=mul8u_ot_a2b2,dense30=mul8u_drum4
 *
 * Permissions: --allow-read (model, CIFAR-10, library), --allow-env (CIFAR10_DIR,
 * APPROXNAS_CACHE, HOME), --allow-write only if CIFAR-10 must be cached, --allow-net only if
 * it must be downloaded.
 */
import { choiceFlag, intFlag, parseFlags, runMain, UsageError } from "../src/cli/args.ts";
import {
  CALIBRATION_COUNT_FLAG,
  CALIBRATION_METHOD_FLAG,
  calibrationFlag,
  DEFAULT_CALIBRATION_FLAG,
  MULTIPLIERS_ASSIGNMENT_FLAG,
  WEIGHTS_FLAG,
} from "../src/cli/quant_flags.ts";
import { DEFAULT_CALIBRATION_IMAGES } from "../src/quant/calibrate.ts";
import { DATA_FLAG, WORKERS_FLAG, workersDefault } from "../src/cli/common_flags.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { graphCost } from "../src/graph/count.ts";
import { EXACT_NAME, listMultipliers } from "../src/multipliers/library.ts";
import {
  checkAssignment,
  type MultiplierAssignment,
  multiplierOf,
  parseAssignment,
  recordedAssignmentText,
} from "../src/quant/assignment.ts";
import { activationStats, compensatePlan } from "../src/quant/compensate.ts";
import { inferenceEnergy } from "../src/quant/energy.ts";
import { floatAccuracy, quantizedAccuracy } from "../src/quant/evaluate.ts";
import type { LabelledImages } from "../src/data/cifar10/format.ts";
import { resolveLibrary } from "../src/quant/library_tables.ts";
import { findMultiplier } from "../src/quant/multipliers.ts";
import type { LayerRun } from "../src/quant/qnetwork.ts";
import { quantizeModel, rangesNeeded } from "../src/quant/quantize.ts";
import { calibrateRanges } from "../src/quant/calibrate.ts";
import { needsCodes, weightCodes } from "../src/quant/bound_plan.ts";
import { BYTE_WEIGHTS, describeCode, sameCode } from "../src/quant/weight_code.ts";
import { readModelFile } from "../src/model/model_file.ts";

const FLAGS = {
  model: { type: "string", value: "FILE", help: "trained model file (.apxnet), e.g. from train" },
  multipliers: MULTIPLIERS_ASSIGNMENT_FLAG,
  data: DATA_FLAG,
  limit: { type: "string", value: "N", default: "10000", help: "test images (the first N)" },
  calibration: { ...CALIBRATION_COUNT_FLAG, default: String(DEFAULT_CALIBRATION_IMAGES) },
  "calibration-method": { ...CALIBRATION_METHOD_FLAG, default: DEFAULT_CALIBRATION_FLAG },
  weights: WEIGHTS_FLAG,
  path: {
    type: "string",
    value: "NAME",
    default: "auto",
    help: "8-bit kernels: auto, dot, rows or table",
  },
  workers: WORKERS_FLAG,
  compensate: {
    type: "boolean",
    help: "cancel each approximate multiplier's mean error in the layer biases (measured on " +
      "the calibration images); evolve and baselines always do",
    defaultText: "off",
  },
  "tune-weights": {
    type: "boolean",
    help: "with --compensate: first tune each layer's weight bytes to its multiplier (least " +
      "error variance over the calibration images' activations); evolve and baselines do unless " +
      "--no-tune-weights",
    defaultText: "off",
  },
  list: { type: "boolean", help: "list the library's multipliers and exit" },
} as const;

const USAGE = `Usage: deno task evaluate --model FILE [options]

Example: deno task evaluate --model data/examples/resnet8-bam_h1v4.apxnet --limit 1000`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function pathsOf(layers: LayerRun[]): string {
  const counts = new Map<string, number>();
  for (const l of layers) {
    const key = l.path === "dot" ? `dot (${l.streams} stream${l.streams > 1 ? "s" : ""})` : l.path;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} layer(s) ${k}`).join(", ");
}

await runMain(async () => {
  const f = parseFlags(Deno.args, FLAGS, USAGE);
  if (f.list) {
    for (const m of await listMultipliers()) {
      console.log(
        `${m.name.padEnd(22)} ${m.energyPj.toFixed(4)} pJ/mult  ${
          (100 * m.relativePower).toFixed(1)
        }% power  MAE ${m.metrics.maePct.toFixed(4)}%  ${m.note}`,
      );
    }
    return;
  }
  if (typeof f.model !== "string") throw new UsageError("--model FILE is required");
  if (f["tune-weights"] && !f.compensate) {
    throw new UsageError("--tune-weights works with --compensate (the bias correction)");
  }
  const limit = intFlag("limit", f.limit);
  const calibrationCount = intFlag("calibration", f.calibration);
  const calibration = calibrationFlag(String(f["calibration-method"]));
  const weights = choiceFlag("weights", f.weights, ["channel", "tensor"] as const);
  const path = choiceFlag("path", f.path, ["auto", "dot", "rows", "table"] as const);
  const workers = f.workers === undefined ? workersDefault() : intFlag("workers", f.workers);
  const model = await readModelFile(f.model);
  // A network exported by the search carries the multipliers it was searched with.
  const multiplierText = typeof f.multipliers === "string"
    ? f.multipliers
    : recordedAssignmentText(model.meta, EXACT_NAME);
  let spec;
  try {
    spec = parseAssignment(multiplierText, EXACT_NAME);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const graph = model.graph;
  const layerIds = [...graphCost(graph).multsByNode.keys()];
  // Every multiplier named, resolved once: energies, tables, decompositions.
  const library = await resolveLibrary([
    EXACT_NAME,
    spec.defaultName,
    ...Object.values(spec.byNode),
  ]);
  const assignment: MultiplierAssignment = { ...spec, library };
  checkAssignment(assignment, layerIds);
  const exact: MultiplierAssignment = { defaultName: EXACT_NAME, byNode: {}, library };

  const dataDir = f.data === undefined ? undefined : String(f.data);
  const trainSet = await getCifar10({ dir: dataDir, split: "train" });
  const testSet = await getCifar10({ dir: dataDir, split: "test" });
  if (limit > testSet.n) throw new UsageError(`--limit ${limit}: the test set has ${testSet.n}`);
  const test: LabelledImages = { images: testSet.images, labels: testSet.labels };
  const cost = graphCost(graph);
  console.log(
    `${f.model}: ${graph.name}, ${cost.params.toLocaleString("en")} parameters, ${
      cost.mults.toLocaleString("en")
    } multiplications per image (${layerIds.length} conv/dense layers)`,
  );

  const ranges = await calibrateRanges(
    model,
    trainSet.images,
    calibrationCount,
    rangesNeeded(graph),
    calibration,
  );
  const plan = quantizeModel(model, ranges, { weights });
  // Layers whose multiplier takes signed or narrower weights get them coded so.
  const codes = needsCodes(assignment, layerIds) ? weightCodes(assignment, layerIds) : undefined;
  const codedPlan = codes ? quantizeModel(model, ranges, { weights, codes }) : plan;
  const calText = calibration.method === "minmax"
    ? "min-max ranges"
    : `${calibration.percentile}th-percentile ranges`;
  console.log(
    `quantised: batch norm folded, ReLU fused; activations uint8 (affine, ${calText} of the ` +
      `float network on the first ${calibrationCount} training images); weights uint8 (affine, ` +
      `per ${weights === "channel" ? "output channel" : "tensor"}); every product one unsigned ` +
      `8x8 look-up of the multiplier, sums and zero-point terms exact in int32`,
  );
  if (codes) {
    const coded = Object.entries(codes).filter(([, c]) => !sameCode(c, BYTE_WEIGHTS));
    console.log(
      `weights coded for their multipliers: ${
        coded.map(([n, c]) => `${n} ${describeCode(c)}`).join(", ")
      } (signed: symmetric, zero-point 0, activations read as int8 = byte - 128)`,
    );
  }
  console.log(`evaluating on the first ${limit} CIFAR-10 test images with ${workers} worker(s)\n`);

  const fl = await floatAccuracy(model, test, limit, workers);
  console.log(
    `float accuracy:              ${pct(fl.accuracy)} (${fl.correct}/${limit}; float32 engine, ` +
      `batch-norm running statistics; ${fl.imagesPerSecond.toFixed(0)} img/s)`,
  );
  const ex = await quantizedAccuracy(plan, exact, test, limit, workers, { path });
  console.log(
    `exact 8-bit accuracy:        ${pct(ex.accuracy)} (${ex.correct}/${limit}; ${EXACT_NAME} in ` +
      `every layer; ${pathsOf(ex.layers)}; ${ex.imagesPerSecond.toFixed(0)} img/s)`,
  );
  const allExact = layerIds.every((id) => multiplierOf(assignment, id) === EXACT_NAME);
  let ap = ex;
  if (!allExact) {
    const approxPlan = f.compensate
      ? compensatePlan(
        codedPlan,
        assignment,
        await activationStats(plan, trainSet.images, calibrationCount),
        { tuneWeights: f["tune-weights"] === true },
      )
      : codedPlan;
    ap = await quantizedAccuracy(approxPlan, assignment, test, limit, workers, { path });
    let agree = 0;
    for (let i = 0; i < limit; i++) agree += ap.predictions[i] === ex.predictions[i] ? 1 : 0;
    console.log(
      `approximate 8-bit accuracy:  ${pct(ap.accuracy)} (${ap.correct}/${limit}; ${
        typeof f.multipliers === "string"
          ? f.multipliers
          : `${multiplierText} (from the model file)`
      }${
        f.compensate
          ? `${f["tune-weights"] ? ", weights tuned" : ""}, mean error compensated in the biases`
          : ", no error compensation"
      }; ${pathsOf(ap.layers)}; ${ap.imagesPerSecond.toFixed(0)} img/s; same class as exact ` +
        `8-bit on ${pct(agree / limit)})`,
    );
  } else {
    console.log(`approximate 8-bit accuracy:  ${pct(ap.accuracy)} (every layer exact: as above)`);
  }

  const energy = inferenceEnergy(
    graph,
    (n) => multiplierOf(assignment, n),
    (m) => findMultiplier(library, m)!.energyPj,
  );
  const exactEnergy = inferenceEnergy(graph, () => EXACT_NAME, () => library[0].energyPj);
  console.log(
    `energy per inference:        ${(energy.pj / 1000).toFixed(2)} nJ (sum over layers of ` +
      `multiplications x energy per multiplication, model estimates of the library); ` +
      `all-exact ${(exactEnergy.pj / 1000).toFixed(2)} nJ, ratio ${
        (energy.pj / exactEnergy.pj).toFixed(3)
      }\n`,
  );
  console.log("| layer | multiplications | multiplier | pJ/mult | energy nJ | kernel |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  const runs = new Map(ap.layers.map((l) => [l.node, l]));
  for (const l of energy.layers) {
    const r = runs.get(l.node);
    console.log(
      `| ${l.node} | ${l.mults.toLocaleString("en")} | ${l.multiplier} | ${
        l.pjPerMult.toFixed(4)
      } | ${(l.pj / 1000).toFixed(3)} | ${
        r ? (r.path === "dot" ? `dot ${r.streams}` : r.path) : "-"
      } |`,
    );
  }
});
