/**
 * The stored 8-bit quantisation of a model file (InferenceSpec, src/model/model_file.ts):
 * measuring it once from calibration images, and rebuilding the exact plan from it anywhere.
 *
 * A plan is a deterministic function of the weights and the calibrated float ranges
 * (src/quant/quantize.ts computes in IEEE double and float32 only), so storing the ranges
 * gives the same plan, hence the same bits, in Deno, Node.js and browsers. Bias compensation
 * (src/quant/compensate.ts) is stored as its result: per multiplier and layer, the rounded
 * correction of each channel's int32 bias, which is what compensatePlan subtracts.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import type { Engine } from "../engine/wasm.ts";
import { type MultiplierAssignment, multiplierOf } from "../quant/assignment.ts";
import { needsCodes, weightCodes } from "../quant/bound_plan.ts";
import type { WeightCode } from "../quant/weight_code.ts";
import { findMultiplier, type ResolvedLibrary } from "../quant/multipliers.ts";
import { calibrateRanges, type Calibration, type Range } from "../quant/calibrate.ts";
import { activationStats, compensateWithMaps, remapWeights } from "../quant/compensate.ts";
import { base64ToBytes, bytesToBase64 } from "../util/base64.ts";
import { convSteps, type QPlan } from "../quant/plan.ts";
import { quantizeModel, rangesNeeded, type WeightGranularity } from "../quant/quantize.ts";
import type { InferenceSpec, SavedModel } from "../model/model_file.ts";
import { isExactTable } from "../model/product_table.ts";

/** What measuring a spec needs. */
export interface SpecOptions {
  /** Calibration images, CIFAR-10 layout (3072 bytes each, CHW planes); the first `count`. */
  images: Uint8Array;
  count: number;
  calibration: Calibration;
  weights?: WeightGranularity;
  /** Where the images come from, recorded (e.g. "CIFAR-10 training images"). */
  source?: string;
  /** The approximate multipliers. */
  multipliers: { defaultName: string; byNode: Record<string, string> };
  /** The multipliers: corrections are measured for every non-exact one. */
  library: ResolvedLibrary;
  /** Default of approximate 8-bit: subtract the corrections. */
  compensate: boolean;
  /** Also tune the weight bytes to each multiplier (stored as `weightMaps`). */
  tuneWeights?: boolean;
  /** Fresh engine instances for the float calibration and the byte statistics. */
  engine: () => Promise<Engine>;
}

/**
 * Calibrates `model` (activation ranges of the float network on the images) and, for every
 * non-exact table, measures the bias correction of each conv/dense layer.
 */
export async function measureSpec(model: SavedModel, opts: SpecOptions): Promise<InferenceSpec> {
  const ids = rangesNeeded(model.graph);
  const ranges = await calibrateRanges(
    model,
    opts.images,
    opts.count,
    ids,
    opts.calibration,
    await opts.engine(),
  );
  const weights = opts.weights ?? "channel";
  const spec: InferenceSpec = {
    multipliers: { defaultName: opts.multipliers.defaultName, byNode: opts.multipliers.byNode },
    compensate: opts.compensate,
    weights,
    calibration: {
      method: opts.calibration.method,
      ...(opts.calibration.method === "percentile"
        ? { percentile: opts.calibration.percentile }
        : {}),
      images: opts.count,
      ...(opts.source ? { source: opts.source } : {}),
    },
    ranges: Object.fromEntries(ids.map((id) => [id, [ranges.get(id)!.lo, ranges.get(id)!.hi]])),
    corrections: {},
  };
  const approximate = opts.library.filter((m) => !isExactTable(m.table));
  if (approximate.length) {
    // Activation statistics of the exact 8-bit plan; a multiplier's corrections are measured
    // with every layer's weights coded for it (compensate.ts works on any coded plan).
    const bytePlan = planFromSpec(model, spec);
    const layers = convSteps(bytePlan).map((s) => s.node);
    const stats = await activationStats(bytePlan, opts.images, opts.count, await opts.engine());
    const tuneWeights = opts.tuneWeights === true;
    if (tuneWeights) spec.weightMaps = {};
    for (const m of approximate) {
      const uniform: MultiplierAssignment = { defaultName: m.name, byNode: {}, library: [m] };
      const codes = codesOf(uniform, layers);
      const plan = codes ? planFromSpec(model, spec, "model", codes) : bytePlan;
      const name = m.name;
      const { plan: compensated, weightMaps } = compensateWithMaps(
        plan,
        uniform,
        stats,
        { tuneWeights },
      );
      const byNode: Record<string, number[]> = {};
      const maps: Record<string, string> = {};
      const before = convSteps(plan), after = convSteps(compensated);
      before.forEach((s, i) => {
        byNode[s.node] = Array.from(s.bias, (b, co) => b - after[i].bias[co]);
        if (tuneWeights) maps[s.node] = bytesToBase64(concatBytes(weightMaps.get(s.node)!));
      });
      spec.corrections[name] = byNode;
      if (tuneWeights) spec.weightMaps![name] = maps;
    }
  }
  return spec;
}

/** The weight codes `assignment`'s multipliers take, or undefined when all are 8-bit. */
export function codesOf(
  assignment: MultiplierAssignment,
  layers: string[],
): Record<string, WeightCode> | undefined {
  return needsCodes(assignment, layers) ? weightCodes(assignment, layers) : undefined;
}

/**
 * The plan the stored ranges give (no compensation), with weights coded as `codes` say
 * (default 8-bit); `name` is the file, for messages.
 */
export function planFromSpec(
  model: SavedModel,
  spec: InferenceSpec,
  name = "model",
  codes?: Record<string, WeightCode>,
): QPlan {
  const ranges = new Map<string, Range>();
  for (const [id, [lo, hi]] of Object.entries(spec.ranges)) ranges.set(id, { lo, hi });
  for (const id of rangesNeeded(model.graph)) {
    if (!ranges.has(id)) {
      throw new Error(
        `Model '${name}': its stored quantisation has no range for node '${id}' ` +
          `(needed: ${rangesNeeded(model.graph).join(", ")}); export it again`,
      );
    }
  }
  const plan = quantizeModel(model, ranges, { weights: spec.weights, codes });
  plan.notes.calibration = spec.calibration;
  return plan;
}

/**
 * A copy of `plan` whose biases subtract the stored corrections of each layer's multiplier
 * (bit for bit what compensatePlan gives); exact layers are unchanged.
 */
export function applyCorrections(
  plan: QPlan,
  assignment: MultiplierAssignment,
  spec: InferenceSpec,
  name = "model",
): QPlan {
  const exact = new Map<string, boolean>();
  const isExact = (mult: string) => {
    let e = exact.get(mult);
    if (e === undefined) {
      const t = findMultiplier(assignment.library, mult)?.table;
      exact.set(mult, e = t !== undefined && isExactTable(t));
    }
    return e;
  };
  const steps = plan.steps.map((s) => {
    if (s.op !== "conv") return s;
    const mult = multiplierOf(assignment, s.node);
    if (isExact(mult)) return s;
    const corr = spec.corrections[mult]?.[s.node];
    if (!corr) {
      const have = Object.keys(spec.corrections);
      throw new Error(
        `Model '${name}' has no bias corrections for multiplier '${mult}' in layer '${s.node}' ` +
          `(it has corrections for: ${have.length ? have.join(", ") : "none"}); ` +
          "export it with compensation, or classify with compensate: false",
      );
    }
    if (corr.length !== s.k) {
      throw new Error(
        `Model '${name}': the bias corrections of '${mult}' in layer '${s.node}' have ` +
          `${corr.length} channels, the layer has ${s.k}`,
      );
    }
    const bias = Int32Array.from(s.bias, (b, co) => b - corr[co]);
    const packed = spec.weightMaps?.[mult]?.[s.node];
    if (packed === undefined) return { ...s, bias };
    const bytes = base64ToBytes(packed);
    if (bytes.length !== s.c * 256) {
      throw new Error(
        `Model '${name}': the weight maps of '${mult}' in layer '${s.node}' hold ` +
          `${bytes.length} bytes, the layer needs ${s.c} x 256`,
      );
    }
    const maps = Array.from({ length: s.c }, (_, ci) => bytes.subarray(ci * 256, ci * 256 + 256));
    return { ...s, bias, weights: remapWeights(s, maps) };
  });
  return { ...plan, steps, notes: { ...plan.notes, compensated: true } };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
