/**
 * Turning a trained float network into an 8-bit plan (src/quant/plan.ts).
 *
 * - Batch norm folds into the conv or dense before it: w' = w * gamma / sqrt(var + eps) per
 *   output channel, b' = (b - mean) * gamma / sqrt(var + eps) + beta. A batch norm that cannot
 *   fold (see fuse.ts) becomes an exact per-channel byte-to-byte table computed in float64.
 * - Activations: unsigned affine bytes, one encoding per tensor, from calibrated ranges
 *   widened to hold 0. The input's range is the exact range of normalised pixels.
 * - Weights: unsigned affine bytes, per output channel (default) or per tensor, ranges
 *   widened to hold 0, so every weight x activation product is one unsigned 8x8 product.
 * - Bias in accumulator units (scale s_a * s_w), rounded; requantisation factor
 *   s_a * s_w / s_out as float32 (see affine.ts for the rounding).
 * - Pooling keeps its input's encoding (max and mean commute with an increasing affine map).
 */
import { type Graph, inferShapes, type TensorShape } from "../graph/graph.ts";
import { findSlot, paramLayout } from "../train/layout.ts";
import type { SavedModel } from "../train/model_file.ts";
import { BN_EPS } from "../train/network.ts";
import { type Affine, affineFromRange, dequantize, quantize } from "./affine.ts";
import { calibrateRanges, type Calibration, inputRange, type Range } from "./calibrate.ts";
import { type FusedGroup, fuseGraph } from "./fuse.ts";
import type { QConvStep, QPlan, QStep, QTensor } from "./plan.ts";
import type { Engine } from "../engine/wasm.ts";

export type WeightGranularity = "channel" | "tensor";

export interface QuantizeOptions {
  /** Weight encodings per output channel (default) or one per tensor. */
  weights?: WeightGranularity;
}

/** Taps beyond which an int32 sum of 16-bit products could overflow. */
export const MAX_TAPS = 32768;

/** Node ids whose float output ranges `quantizeModel` needs. */
export function rangesNeeded(graph: Graph): string[] {
  const ids: string[] = [];
  for (const g of fuseGraph(graph)) {
    if (g.head.op === "maxpool" || g.head.op === "avgpool") continue;
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
  const param = (node: string, name: Parameters<typeof findSlot>[2]) => {
    const s = findSlot(layout.params, node, name);
    return s ? model.params.subarray(s.offset, s.offset + s.length) : undefined;
  };
  const stateOf = (node: string, name: "running_mean" | "running_var") => {
    const s = findSlot(layout.state, node, name)!;
    return model.state.subarray(s.offset, s.offset + s.length);
  };
  /** Per-channel y = mul * x + add of a batch-norm node (inference). */
  const bnAffine = (id: string) => {
    const gamma = param(id, "gamma")!, beta = param(id, "beta")!;
    const mean = stateOf(id, "running_mean"), variance = stateOf(id, "running_var");
    const mul = Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + BN_EPS));
    const add = mul.map((m, c) => beta[c] - m * mean[c]);
    return { mul, add };
  };

  const inputId = graph.nodes[0].id;
  const tensors: Record<string, QTensor> = {};
  const put = (id: string, q: Affine) => {
    tensors[id] = { id, shape: shapes.get(id)!, q };
  };
  const inRange = inputRange();
  put(inputId, affineFromRange(inRange.lo, inRange.hi));
  const rangeOf = (id: string) => {
    const r = ranges.get(id);
    if (!r) throw new Error(`Quantisation: no calibrated range for node '${id}'`);
    return affineFromRange(r.lo, r.hi);
  };

  const steps: QStep[] = [];
  let floatOutput = false;
  for (const g of fuseGraph(graph)) {
    const fused = g.nodes.map((n) => n.id);
    const head = g.head;
    switch (head.op) {
      case "conv":
      case "dense": {
        const isFloat = isFloatOutput(graph, g);
        if (!isFloat) put(g.output, rangeOf(g.output));
        else {
          floatOutput = true;
          tensors[g.output] = {
            id: g.output,
            shape: shapes.get(g.output)!,
            q: { scale: 1, zero: 0 },
          };
        }
        steps.push(convStep(g, fused, tensors, shapes, param, bnAffine, isFloat, opts));
        break;
      }
      case "add": {
        put(g.output, rangeOf(g.output));
        const [a, b] = head.inputs.map((i) => tensors[i].q);
        const out = tensors[g.output].q;
        steps.push({
          op: "add",
          fused,
          a: head.inputs[0],
          b: head.inputs[1],
          output: g.output,
          ka: Math.fround(a.scale / out.scale),
          kb: Math.fround(b.scale / out.scale),
          zOut: out.zero,
          lo: g.relu ? out.zero : 0,
        });
        break;
      }
      case "concat": {
        put(g.output, rangeOf(g.output));
        const out = tensors[g.output].q;
        const lut = (id: string) =>
          Uint8Array.from({ length: 256 }, (_, v) => {
            const x = dequantize(v, tensors[id].q);
            return quantize(g.relu ? Math.max(x, 0) : x, out);
          });
        steps.push({
          op: "concat",
          fused,
          a: head.inputs[0],
          b: head.inputs[1],
          output: g.output,
          lutA: lut(head.inputs[0]),
          lutB: lut(head.inputs[1]),
        });
        break;
      }
      case "maxpool":
      case "avgpool": {
        put(g.output, tensors[head.inputs[0]].q);
        steps.push({
          op: head.op,
          fused,
          input: head.inputs[0],
          output: g.output,
          kh: head.kernel[0],
          kw: head.kernel[1],
          sh: head.stride[0],
          sw: head.stride[1],
          pad: head.pad,
        });
        break;
      }
      case "gap": {
        put(g.output, rangeOf(g.output));
        const x = tensors[head.inputs[0]], out = tensors[g.output].q;
        steps.push({
          op: "gap",
          fused,
          input: head.inputs[0],
          output: g.output,
          k: Math.fround(x.q.scale / (x.shape.h * x.shape.w * out.scale)),
          zOut: out.zero,
        });
        break;
      }
      case "batchnorm":
      case "relu": {
        put(g.output, rangeOf(g.output));
        const x = tensors[head.inputs[0]], out = tensors[g.output].q;
        const c = x.shape.c;
        const bn = g.batchnorm ? bnAffine(g.batchnorm) : undefined;
        const lut = new Uint8Array(c * 256);
        for (let ch = 0; ch < c; ch++) {
          for (let v = 0; v < 256; v++) {
            let y = dequantize(v, x.q);
            if (bn) y = bn.mul[ch] * y + bn.add[ch];
            if (g.relu) y = Math.max(y, 0);
            lut[ch * 256 + v] = quantize(y, out);
          }
        }
        steps.push({ op: "lut", fused, input: head.inputs[0], output: g.output, lut });
        break;
      }
      default:
        throw new Error(`Quantisation: cannot quantise node '${head.id}' (${head.op})`);
    }
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

/** A conv/dense group writes float logits when it ends the network without a ReLU. */
function isFloatOutput(graph: Graph, g: FusedGroup): boolean {
  return (g.head.op === "conv" || g.head.op === "dense") && g.output === graph.output && !g.relu;
}

function convStep(
  g: FusedGroup,
  fused: string[],
  tensors: Record<string, QTensor>,
  shapes: Map<string, TensorShape>,
  param: (node: string, name: "weight" | "bias") => Float32Array | undefined,
  bnAffine: (id: string) => { mul: number[]; add: number[] },
  isFloat: boolean,
  opts: QuantizeOptions,
): QConvStep {
  const head = g.head;
  if (head.op !== "conv" && head.op !== "dense") throw new Error("convStep: not a conv or dense");
  const x = tensors[head.inputs[0]];
  const outShape = shapes.get(head.id)!;
  const dense = head.op === "dense";
  const geo = dense
    ? {
      h: 1,
      w: 1,
      c: x.shape.h * x.shape.w * x.shape.c,
      k: head.units,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      pad: [0, 0, 0, 0] as [number, number, number, number],
      oh: 1,
      ow: 1,
    }
    : {
      h: x.shape.h,
      w: x.shape.w,
      c: x.shape.c,
      k: head.filters,
      kh: head.kernel[0],
      kw: head.kernel[1],
      sh: head.stride[0],
      sw: head.stride[1],
      pad: head.pad,
      oh: outShape.h,
      ow: outShape.w,
    };
  const { c, k } = geo;
  const taps = geo.kh * geo.kw * c;
  if (taps > MAX_TAPS) {
    throw new Error(
      `Quantisation: node '${head.id}' sums ${taps} products per output; at most ${MAX_TAPS} fit int32`,
    );
  }
  // Folded float weights and bias.
  const w = Float64Array.from(param(head.id, "weight")!);
  const bias = new Float64Array(k);
  const b = param(head.id, "bias");
  if (b) bias.set(b);
  if (g.batchnorm) {
    const { mul, add } = bnAffine(g.batchnorm);
    for (let i = 0; i < w.length; i++) w[i] *= mul[i % k];
    for (let co = 0; co < k; co++) bias[co] = mul[co] * bias[co] + add[co];
  }
  // Weight encodings.
  const perChannel = (opts.weights ?? "channel") === "channel";
  const lo = new Float64Array(k).fill(Infinity), hi = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < w.length; i++) {
    const co = i % k;
    lo[co] = Math.min(lo[co], w[i]);
    hi[co] = Math.max(hi[co], w[i]);
  }
  const enc: Affine[] = [];
  if (perChannel) {
    for (let co = 0; co < k; co++) enc.push(affineFromRange(lo[co], hi[co]));
  } else {
    const all = affineFromRange(Math.min(...lo), Math.max(...hi));
    for (let co = 0; co < k; co++) enc.push(all);
  }
  const weights = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) weights[i] = quantize(w[i], enc[i % k]);
  const weightZero = Int32Array.from(enc, (e) => e.zero);
  const weightScale = Float64Array.from(enc, (e) => e.scale);

  const sa = x.q.scale, za = x.q.zero;
  const out = tensors[g.output].q;
  const colSum = new Float64Array(k);
  for (let i = 0; i < weights.length; i++) colSum[i % k] += weights[i];
  const limit = 2 ** 30;
  const biasQ = new Int32Array(k);
  for (let co = 0; co < k; co++) {
    const q = Math.round(bias[co] / (sa * weightScale[co]));
    const folded = Math.min(limit, Math.max(-limit, q)) - za * colSum[co] +
      taps * za * weightZero[co];
    biasQ[co] = Math.min(limit, Math.max(-limit, folded));
  }
  const scale = Float32Array.from(
    weightScale,
    (s) => isFloat ? sa * s : (sa * s) / out.scale,
  );
  return {
    op: "conv",
    node: head.id,
    dense,
    fused,
    input: head.inputs[0],
    output: g.output,
    ...geo,
    weights,
    weightZero,
    weightScale,
    bias: biasQ,
    scale,
    zOut: isFloat ? 0 : out.zero,
    lo: g.relu ? out.zero : 0,
    floatOutput: isFloat,
  };
}
