/**
 * A quantised network: the steps the 8-bit engine runs, in order, with every constant they
 * need. A plan does not name multipliers: the same plan runs with any assignment of
 * multipliers to its conv and dense steps (see src/quant/assignment.ts).
 *
 * Tensors are NHWC bytes with one affine encoding each (x = scale * (q - zero)). Conv and
 * dense steps compute, per output pixel p and channel co, with N taps (a_i, w_i):
 *
 *   acc = sum_i M(a_i, w_i) - zw[co] * sum_i a_i + bias[co]
 *
 * where M is the multiplier's product table (activation a first, weight w second) and bias
 * holds every term that does not depend on the pixel (the quantised float bias,
 * -z_a * sum_i w_i and N * z_a * zw[co]). With the exact table this is the integer form of
 * sum_i (a_i - z_a) * (w_i - zw) + bias. Out-of-image taps read a = z_a (real 0) and go
 * through the multiplier like any other tap, as they do in an accelerator that pads with the
 * zero-point; so every multiplication counted by graphCost passes through the table. The
 * output byte is `requantize(acc, scale[co], zOut, lo, 255)` (src/quant/affine.ts); lo is
 * zOut when a ReLU is fused (clamping at real 0), else 0. A step whose output is the
 * network's output writes float32 f32(acc) * scale[co] instead (the logits).
 */
import type { Graph, Padding, TensorShape } from "../graph/graph.ts";
import type { Affine } from "./affine.ts";
import type { WeightCode } from "./weight_code.ts";

export interface QTensor {
  id: string;
  shape: TensorShape;
  q: Affine;
}

/** A convolution, or a dense layer run as a 1x1 convolution over its flattened input. */
export interface QConvStep {
  op: "conv";
  /** The conv or dense node: its multiplications (graphCost.multsByNode) and multiplier. */
  node: string;
  dense: boolean;
  /**
   * A depthwise convolution (k = c): output channel co sums its kh*kw taps of input channel
   * co only, weights [kh][kw][c]. Absent: a full convolution.
   */
  depthwise?: boolean;
  /** Graph nodes this step computes: the conv/dense, then a folded batchnorm and fused relu. */
  fused: string[];
  input: string;
  output: string;
  /** Input geometry as the kernel sees it (dense: h = w = 1, c = flattened features). */
  h: number;
  w: number;
  c: number;
  k: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pad: Padding;
  oh: number;
  ow: number;
  /** Quantised weights HWIO [kh][kw][c][k] (dense: [features][k]). */
  weights: Uint8Array;
  /** Weight zero-points and scales per output channel (all equal when per-tensor). */
  weightZero: Int32Array;
  weightScale: Float64Array;
  /**
   * How the weights are coded for the layer's multiplier (weight_code.ts); absent: 8-bit
   * unsigned. The layer must run with a multiplier of this code.
   */
  weightCode?: WeightCode;
  /** Everything per-channel and pixel-independent, in accumulator units (see above). */
  bias: Int32Array;
  /** Float32 factor from accumulator to output byte (or to float logits). */
  scale: Float32Array;
  zOut: number;
  lo: number;
  floatOutput: boolean;
}

/** Residual sum (with an optional fused ReLU): out = requant(ka*(a-za) + kb*(b-zb)). */
export interface QAddStep {
  op: "add";
  fused: string[];
  a: string;
  b: string;
  output: string;
  ka: number;
  kb: number;
  zOut: number;
  lo: number;
}

/** Max or average pooling in the byte domain; the output keeps the input's encoding. */
export interface QPoolStep {
  op: "maxpool" | "avgpool";
  fused: string[];
  input: string;
  output: string;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pad: Padding;
}

/** Global average pooling, requantised: out = requant(sum - hw*zIn, k, zOut). */
export interface QGapStep {
  op: "gap";
  fused: string[];
  input: string;
  output: string;
  k: number;
  zOut: number;
}

/**
 * A per-channel function of one byte (standalone batch norm, ReLU), as a table:
 * out[p, ch] = lut[ch * 256 + in[p, ch]], computed on the host in float64.
 */
export interface QLutStep {
  op: "lut";
  fused: string[];
  input: string;
  output: string;
  lut: Uint8Array;
}

/** Channel concatenation; each input is first re-encoded by a 256-entry table. */
export interface QConcatStep {
  op: "concat";
  fused: string[];
  a: string;
  b: string;
  output: string;
  lutA: Uint8Array;
  lutB: Uint8Array;
}

export type QStep = QConvStep | QAddStep | QPoolStep | QGapStep | QLutStep | QConcatStep;

export interface QPlan {
  graph: Graph;
  tensors: Record<string, QTensor>;
  steps: QStep[];
  /** The output tensor; when `floatOutput`, its producer writes float logits directly. */
  output: string;
  floatOutput: boolean;
  /** How the plan was made (calibration, weight granularity), for reports. */
  notes: Record<string, unknown>;
}

/** The input channel weight i of a conv step multiplies (weights HWIO, or [kh][kw][c]). */
export function weightChannel(step: QConvStep, i: number): number {
  return step.depthwise ? i % step.c : Math.floor(i / step.k) % step.c;
}

/** Input channels each output of a conv step sums over: 1 when depthwise. */
export function channelsPerOutput(step: Pick<QConvStep, "c" | "depthwise">): number {
  return step.depthwise ? 1 : step.c;
}

/** The conv and dense steps of a plan, by node id. */
export function convSteps(plan: QPlan): QConvStep[] {
  return plan.steps.filter((s): s is QConvStep => s.op === "conv");
}
