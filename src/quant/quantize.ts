/**
 * Turning a trained float network into an 8-bit plan (src/quant/plan.ts).
 *
 * - Batch norm folds into the conv or dense before it: w' = w * gamma / sqrt(var + eps) per
 *   output channel, b' = (b - mean) * gamma / sqrt(var + eps) + beta. A batch norm that cannot
 *   fold (see fuse.ts) becomes an exact per-channel byte-to-byte table computed in float64.
 * - Activations: unsigned affine bytes, one encoding per tensor, from calibrated ranges
 *   widened to hold 0. The input's range is the exact range of normalised pixels.
 * - Weights: unsigned affine bytes, per output channel (default) or per tensor, ranges
 *   widened to hold 0, so every weight x activation product is one unsigned 8x8 product; or,
 *   for a layer whose multiplier takes them (`codes`), N-bit or symmetric signed codes
 *   (weight_code.ts).
 * - Bias in accumulator units (scale s_a * s_w), rounded; requantisation factor
 *   s_a * s_w / s_out as float32 (see affine.ts for the rounding).
 * - Pooling keeps its input's encoding (max and mean commute with an increasing affine map).
 *
 * Each op lowers the steps it heads (src/ops/<op>/lower.ts, through src/ops/registry.ts).
 */
import { type Graph, inferShapes } from "../graph/graph.ts";
import { findSlot, paramLayout } from "../model/layout.ts";
import type { SavedModel } from "../model/model_file.ts";
import { batchnormAffine } from "../ops/batchnorm/spec.ts";
import type { FusedGroup, LowerContext } from "../ops/lowering.ts";
import { opDef } from "../ops/registry.ts";
import { type Affine, affineFromRange } from "./affine.ts";
import { calibrateRanges, type Calibration, type Range } from "./calibrate.ts";
import type { WeightGranularity } from "./conv_step.ts";
import { fuseGraph } from "./fuse.ts";
import type { QPlan, QStep, QTensor } from "./plan.ts";
import type { Engine } from "../engine/wasm.ts";
import { BYTE_WEIGHTS, type WeightCode } from "./weight_code.ts";

export { MAX_TAPS, type WeightGranularity } from "./conv_step.ts";

export interface QuantizeOptions {
  /** Weight encodings per output channel (default) or one per tensor. */
  weights?: WeightGranularity;
  /**
   * Conv/dense node -> how its weights are coded for its multiplier (weight_code.ts;
   * bound_plan.ts `weightCodes`); nodes not named get 8-bit unsigned weights.
   */
  codes?: Record<string, WeightCode>;
}

/** Node ids whose float output ranges `quantizeModel` needs. */
export function rangesNeeded(graph: Graph): string[] {
  const ids: string[] = [];
  for (const g of fuseGraph(graph)) {
    if (opDef(g.head.op).lower.keepsEncoding) continue;
    if (isFloatOutput(graph, g)) continue;
    ids.push(g.output);
  }
  return ids;
}

/** Calibrates on `count` images (CIFAR-10 layout) and quantises. */
export async function quantizeWithCalibration(
  model: SavedModel,
  images: Uint8Array,
  count: number,
  calibration: Calibration,
  opts: QuantizeOptions = {},
  engine?: Engine,
): Promise<QPlan> {
  const ranges = await calibrateRanges(
    model,
    images,
    count,
    rangesNeeded(model.graph),
    calibration,
    engine,
  );
  const plan = quantizeModel(model, ranges, opts);
  plan.notes.calibration = { ...calibration, images: count };
  return plan;
}

/** The 8-bit plan of `model`, given the float range of every tensor in `rangesNeeded`. */
export function quantizeModel(
  model: SavedModel,
  ranges: Map<string, Range>,
  opts: QuantizeOptions = {},
): QPlan {
  const graph = model.graph;
  const shapes = inferShapes(graph);
  const layout = paramLayout(graph);
  const tensors: Record<string, QTensor> = {};
  const ctx: LowerContext = {
    tensors,
    shapes,
    weights: opts.weights ?? "channel",
    weightCode: (id) => opts.codes?.[id] ?? BYTE_WEIGHTS,
    isFloatOutput: (g) => isFloatOutput(graph, g),
    encode: (id: string, q: Affine) => {
      tensors[id] = { id, shape: shapes.get(id)!, q };
    },
    calibrated: (id) => {
      const r = ranges.get(id);
      if (!r) throw new Error(`Quantisation: no calibrated range for node '${id}'`);
      return affineFromRange(r.lo, r.hi);
    },
    param: (node, name) => {
      const s = findSlot(layout.params, node, name);
      return s ? model.params.subarray(s.offset, s.offset + s.length) : undefined;
    },
    batchnormAffine: (id) => {
      const stateOf = (name: "running_mean" | "running_var") => {
        const s = findSlot(layout.state, id, name)!;
        return model.state.subarray(s.offset, s.offset + s.length);
      };
      const gamma = ctx.param(id, "gamma")!, beta = ctx.param(id, "beta")!;
      return batchnormAffine(gamma, beta, stateOf("running_mean"), stateOf("running_var"));
    },
  };

  // The input first: its encoding is fixed, not calibrated; then every step in order.
  const input = graph.nodes[0];
  opDef(input.op).lower.lower({ head: input, nodes: [input], output: input.id, relu: false }, ctx);
  const steps: QStep[] = [];
  let floatOutput = false;
  for (const g of fuseGraph(graph)) {
    floatOutput ||= isFloatOutput(graph, g);
    steps.push(...opDef(g.head.op).lower.lower(g, ctx));
  }
  return {
    graph,
    tensors,
    steps,
    output: graph.output,
    floatOutput,
    notes: { weights: opts.weights ?? "channel" },
  };
}

/** A group writes float logits when it ends the network without a ReLU and its op can. */
function isFloatOutput(graph: Graph, g: FusedGroup): boolean {
  return !!opDef(g.head.op).lower.endsInFloat && g.output === graph.output && !g.relu;
}
