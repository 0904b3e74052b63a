/**
 * What an op gives the quantiser (src/quant/quantize.ts): how a step it heads is fused
 * (src/quant/fuse.ts) and lowered to 8-bit plan steps (src/quant/plan.ts).
 */
import type { TensorShape } from "../graph/node.ts";
import type { Affine } from "../quant/affine.ts";
import type { QStep, QTensor } from "../quant/plan.ts";
import type { WeightGranularity } from "../quant/conv_step.ts";
import type { WeightCode } from "../quant/weight_code.ts";
import type { SlotName } from "./spec.ts";
import type { GraphNode } from "./specs.ts";

/** The graph nodes one quantised step computes. */
export interface FusedGroup<H = GraphNode> {
  /** The node that starts the step (conv, dense, add, ...). */
  head: H;
  /** head, then the nodes it absorbed, in order. */
  nodes: GraphNode[];
  /** Id of the last node: the tensor the step writes. */
  output: string;
  /** The absorbed batch norm (conv/dense: folded; standalone: the head itself). */
  batchnorm?: string;
  relu: boolean;
}

export interface LowerContext {
  /** The tensors encoded so far (every input of the group is), by id. */
  tensors: Readonly<Record<string, QTensor>>;
  shapes: Map<string, TensorShape>;
  weights: WeightGranularity;
  /** How node `id`'s weights are coded for its multiplier (src/quant/weight_code.ts). */
  weightCode(id: string): WeightCode;
  /** Whether the group writes the network's float logits. */
  isFloatOutput(g: FusedGroup): boolean;
  /** Sets the encoding of tensor `id`. */
  encode(id: string, q: Affine): void;
  /** The encoding of tensor `id` from its calibrated range. */
  calibrated(id: string): Affine;
  /** A trained parameter of a node; undefined when it has no such slot. */
  param(node: string, name: SlotName): Float32Array | undefined;
  /** Batch-norm node `id` at inference, as a per-channel y = mul * x + add. */
  batchnormAffine(id: string): { mul: number[]; add: number[] };
}

export interface OpLowering<N> {
  /** What a step headed by this op absorbs when it is the only consumer. */
  absorbs?: { batchnorm?: boolean; relu?: boolean };
  /** The output keeps the input's encoding, so it needs no calibrated range. */
  keepsEncoding?: boolean;
  /** Ending the network without a ReLU, the step writes float logits (no output range). */
  endsInFloat?: boolean;
  /** Encodes the group's output (ctx.encode) and returns the steps computing it. */
  lower(g: FusedGroup<N>, ctx: LowerContext): QStep[];
}
