/**
 * A classifier of CIFAR-10-shaped images from a loaded model file, on one instance of the
 * wasm engine, single-threaded: float32, exact 8-bit (every product exact) or approximate
 * 8-bit (the multipliers the file names, or others it carries). The 8-bit modes give the same
 * bits wherever the engine runs, since the plan is rebuilt from the stored quantisation and
 * the 8-bit kernels use integer sums and float32 requantisation without fused operations.
 *
 * No Deno API here: the embedding library bundles this module for Node.js and browsers.
 */
import { instantiateEngine } from "../engine/wasm.ts";
import { inferenceEnergy } from "../quant/energy.ts";
import {
  type MultiplierAssignment,
  multiplierOf,
  parseAssignment,
  recordedAssignmentText,
} from "../quant/assignment.ts";
import {
  type Calibration,
  DEFAULT_CALIBRATION,
  DEFAULT_CALIBRATION_IMAGES,
} from "../quant/calibrate.ts";
import { findMultiplier, type ResolvedLibrary, tableMultiplier } from "../quant/multipliers.ts";
import { argmaxRows, type LayerRun, QuantizedNetwork } from "../quant/qnetwork.ts";
import type { QPlan } from "../quant/plan.ts";
import { exactTable } from "../model/product_table.ts";
import { graphCost } from "../graph/count.ts";
import { prepareEvalBatch } from "../train/augment.ts";
import type { InferenceSpec, ModelTable, SavedModel } from "../model/model_file.ts";
import { Network } from "../train/network.ts";
import { applyCorrections, codesOf, measureSpec, planFromSpec } from "./spec.ts";
import { type LoadedModel, modelName } from "./model.ts";
import { IMAGE_BYTES } from "../data/cifar10/format.ts";

/**
 * The library's exact multiplier (src/multipliers/catalogue.ts EXACT_NAME, checked equal by
 * tests/embed): named here so the bundle does not carry the circuit generators.
 */
export const EXACT_MULTIPLIER = "mul8u_exact";
const EXACT_NAME = EXACT_MULTIPLIER;

/** How the classifier computes. */
export type Mode = "float" | "exact8" | "approx8";

export const MODES: readonly Mode[] = Object.freeze(["float", "exact8", "approx8"]);

/** The engine: compiled, or the bytes of build/approxnas.wasm (dist/approxnas.wasm). */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView;

export interface ClassifierOptions {
  /** From loadModel. */
  model: LoadedModel | SavedModel;
  wasm: WasmSource;
  mode: Mode;
  /** Images per engine call; memory grows with it (default 50). */
  batch?: number;
  /**
   * approx8: multipliers other than the file's choice, as `NAME` (every conv/dense layer),
   * `node=NAME,...` (others exact) or `NAME,node=NAME2`; each must be carried by the file.
   */
  multipliers?: string;
  /** approx8: subtract each multiplier's mean error from the biases (default: as exported). */
  compensate?: boolean;
  /**
   * 8-bit models without a stored quantisation: calibrate at load on these images (CIFAR-10
   * layout, the first `count`, default 1000 or all), 99.999th-percentile ranges by default.
   */
  calibration?: { images: Uint8Array; count?: number; method?: Calibration };
}

/** Result of classify: one label and `classes` logits per image. */
export interface Classification {
  labels: Uint8Array;
  /** [count][classes], float32. */
  logits: Float32Array;
}

export interface Classifier {
  readonly mode: Mode;
  readonly classes: number;
  readonly batch: number;
  /** Multiplier of each conv/dense layer (node id -> name); empty in float mode. */
  readonly multipliers: Record<string, string>;
  /** Energy of the multiplications of one inference (nJ, the library's model estimates);
   * null in float mode or when the file does not carry a multiplier's energy. */
  readonly energyPerInferenceNj: number | null;
  /** Whether approx8 subtracts the multipliers' mean errors from the biases. */
  readonly compensated: boolean;
  /** Whether approx8 runs the weight bytes the file stores tuned to its multipliers (with
   * compensation only; src/quant/weight_tuning.ts). */
  readonly weightsTuned: boolean;
  /** How each conv/dense layer runs (8-bit: kernel path). */
  readonly layers: readonly LayerRun[];
  /** Classifies `count` images (default: all) of `images`, CIFAR-10 layout (3072 bytes each:
   * 1024 red, 1024 green, 1024 blue bytes, rows top to bottom). */
  classify(images: Uint8Array, count?: number): Classification;
  /** Drops the engine instance; the classifier cannot be used afterwards. */
  close(): void;
}

/** Compiles the engine once; pass the result to several classifiers. */
export async function compileWasm(wasm: WasmSource): Promise<WebAssembly.Module> {
  if (wasm instanceof WebAssembly.Module) return wasm;
  try {
    return await WebAssembly.compile(wasm as BufferSource);
  } catch (e) {
    throw new Error(
      `Cannot compile the approxnas engine: ${(e as Error).message}. It needs WebAssembly ` +
        "SIMD and relaxed SIMD: Deno, Node.js >= 22 (Node.js 20: node " +
        "--experimental-wasm-relaxed-simd), Chrome/Edge >= 114.",
    );
  }
}

/** A classifier of `opts.model` in `opts.mode` (see ClassifierOptions). */
export async function createClassifier(opts: ClassifierOptions): Promise<Classifier> {
  const model = opts.model;
  const name = modelName(model);
  if (!(MODES as readonly string[]).includes(opts.mode)) {
    throw new Error(`Unknown mode '${opts.mode}': expected one of ${MODES.join(", ")}`);
  }
  const batch = opts.batch ?? 50;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new Error(`batch must be an integer >= 1, found ${batch}`);
  }
  const graph = model.graph;
  const s = graph.input;
  if (s.h * s.w * s.c !== IMAGE_BYTES) {
    throw new Error(
      `Model '${name}' takes ${s.h}x${s.w}x${s.c} inputs; the classifier reads CIFAR-10 images ` +
        `(32x32x3)`,
    );
  }
  const module = await compileWasm(opts.wasm);
  const engine = await instantiateEngine(module);
  if (opts.mode === "float") return floatClassifier(model, engine, batch);

  const layerIds = [...graphCost(graph).multsByNode.keys()];
  const tables = new Map((model.tables ?? []).map((t) => [t.name, t]));
  let spec: InferenceSpec | undefined = model.inference;
  const choice = choiceOf(model, spec, opts, name);
  if (opts.mode === "exact8") {
    choice.defaultName = EXACT_NAME;
    choice.byNode = {};
  }
  const assignment = assignmentOf(choice, layerIds, tables, name);
  const compensate = opts.mode === "approx8" && (opts.compensate ?? spec?.compensate ?? false);
  if (!spec) {
    if (!opts.calibration) {
      throw new Error(
        `Model '${name}' carries no 8-bit quantisation (export it with \`deno task export\`), ` +
          "so 8-bit classification needs calibration images: pass `calibration: { images }`",
      );
    }
    const available = Math.floor(opts.calibration.images.length / IMAGE_BYTES);
    spec = await measureSpec(model, {
      images: opts.calibration.images,
      count: opts.calibration.count ?? Math.min(DEFAULT_CALIBRATION_IMAGES, available),
      calibration: opts.calibration.method ?? DEFAULT_CALIBRATION,
      multipliers: choice,
      library: compensate ? assignment.library : [],
      compensate,
      engine: () => instantiateEngine(module),
    });
  }
  let plan: QPlan = planFromSpec(model, spec, name, codesOf(assignment, layerIds));
  if (compensate) plan = applyCorrections(plan, assignment, spec, name);
  let net: QuantizedNetwork | null = new QuantizedNetwork(engine, plan, assignment, { batch });
  const layers = net.layers;
  const multipliers = Object.fromEntries(layerIds.map((id) => [id, multiplierOf(assignment, id)]));
  const energies = Object.fromEntries((model.tables ?? []).map((t) => [t.name, t.energyPj]));
  const knowsEnergy = Object.values(multipliers).every((m) => m in energies);
  const energy = knowsEnergy
    ? inferenceEnergy(graph, (n) => multipliers[n], (m) => energies[m]).pj / 1000
    : null;
  return {
    mode: opts.mode,
    classes: graph.classes,
    batch,
    multipliers,
    energyPerInferenceNj: energy,
    compensated: compensate,
    weightsTuned: compensate && spec.weightMaps !== undefined,
    layers,
    classify(images: Uint8Array, count?: number): Classification {
      if (!net) throw new Error(`The classifier of '${name}' is closed`);
      const n = imageCount(images, count);
      const logits = new Float32Array(n * graph.classes);
      for (let start = 0; start < n; start += batch) {
        const m = Math.min(batch, n - start);
        net.loadImages(images, start, m);
        net.forward(m);
        logits.set(net.logits(m), start * graph.classes);
      }
      return { labels: argmaxRows(logits, n, graph.classes), logits };
    },
    close() {
      net = null; // the engine instance and its memory go with it
    },
  };
}

function floatClassifier(
  model: SavedModel,
  engine: Awaited<ReturnType<typeof instantiateEngine>>,
  batch: number,
): Classifier {
  const name = modelName(model);
  const graph = model.graph;
  let net: Network | null = new Network(engine, graph, batch);
  net.setParams(model.params);
  net.setState(model.state);
  return {
    mode: "float",
    classes: graph.classes,
    batch,
    multipliers: {},
    energyPerInferenceNj: null,
    compensated: false,
    weightsTuned: false,
    layers: [],
    classify(images: Uint8Array, count?: number): Classification {
      if (!net) throw new Error(`The classifier of '${name}' is closed`);
      const n = imageCount(images, count);
      const logits = new Float32Array(n * graph.classes);
      const arena = net.engine.arena;
      // prepareEvalBatch copies labels too: these are placeholders.
      const data = {
        images: images.subarray(0, n * IMAGE_BYTES),
        labels: new Uint8Array(n),
      };
      for (let start = 0; start < n; start += batch) {
        const m = Math.min(batch, n - start);
        prepareEvalBatch(
          data,
          Array.from({ length: m }, (_, i) => start + i),
          {
            images: arena.f32(net.input, m * IMAGE_BYTES),
            labels: arena.i32(net.labels, m),
          },
        );
        net.forward(m, false);
        logits.set(net.logits(m), start * graph.classes);
      }
      return { labels: argmaxRows(logits, n, graph.classes), logits };
    },
    close() {
      net = null;
    },
  };
}

/** The approximate multipliers: the option, else the stored choice, else the search's record. */
function choiceOf(
  model: SavedModel,
  spec: InferenceSpec | undefined,
  opts: ClassifierOptions,
  name: string,
): { defaultName: string; byNode: Record<string, string> } {
  if (opts.multipliers !== undefined) {
    try {
      return parseAssignment(opts.multipliers, EXACT_NAME);
    } catch (e) {
      throw new Error(`Model '${name}': ${(e as Error).message}`);
    }
  }
  if (spec) {
    return { defaultName: spec.multipliers.defaultName, byNode: { ...spec.multipliers.byNode } };
  }
  return parseAssignment(recordedAssignmentText(model.meta, EXACT_NAME), EXACT_NAME);
}

/** The assignment with the file's tables (the exact product is built in), checked. */
function assignmentOf(
  choice: { defaultName: string; byNode: Record<string, string> },
  layerIds: string[],
  tables: Map<string, ModelTable>,
  name: string,
): MultiplierAssignment {
  for (const node of Object.keys(choice.byNode)) {
    if (!layerIds.includes(node)) {
      throw new Error(
        `Model '${name}': a multiplier is assigned to '${node}', which is not one of its ` +
          `conv/dense layers (${layerIds.join(", ")})`,
      );
    }
  }
  const library: ResolvedLibrary = [];
  for (const node of layerIds) {
    const mult = choice.byNode[node] ?? choice.defaultName;
    if (findMultiplier(library, mult)) continue;
    const t = tables.get(mult);
    if (t) {
      library.push({
        ...tableMultiplier(mult, t.table, t.energyPj),
        ...(t.weights ? { weights: t.weights } : {}),
        ...(t.offsets ? { offsets: t.offsets } : {}),
      });
    } else if (mult === EXACT_NAME) library.push(tableMultiplier(mult, exactTable()));
    else {
      const carried = [...tables.keys()].filter((m) => m !== EXACT_NAME);
      throw new Error(
        `Model '${name}' does not carry multiplier '${mult}' (asked for layer '${node}'); it ` +
          `carries ${carried.length ? carried.join(", ") : "no approximate multiplier"} ` +
          `(${EXACT_NAME} is built in). Export it with that multiplier: ` +
          `deno task export --model FILE --multiplier ${mult}`,
      );
    }
  }
  return { defaultName: choice.defaultName, byNode: choice.byNode, library };
}

function imageCount(images: Uint8Array, count: number | undefined): number {
  if (!(images instanceof Uint8Array)) {
    throw new Error(`classify expects a Uint8Array of CIFAR-10 images, found ${typeof images}`);
  }
  const available = images.length / IMAGE_BYTES;
  const n = count ?? available;
  if (!Number.isInteger(n) || n < 1 || n * IMAGE_BYTES > images.length) {
    throw new Error(
      `classify: ${count === undefined ? "all" : count} image(s) of ${IMAGE_BYTES} ` +
        `bytes asked for, the array holds ${images.length} bytes (${available} images)`,
    );
  }
  return n;
}
