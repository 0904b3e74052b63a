/**
 * What a conv/dense operator is, whichever path it takes (table.ts, rows.ts, dot.ts), in
 * XNNPACK's operator style: `create...` places the layer's packed weights and constants in
 * the engine's memory once; `setup` binds the tensors it reads and writes (fixed for the
 * network's life); `run(n)` calls its kernels on the first n images. The kernels themselves
 * are in assembly/ (contract: src/quant/qkernels.ts).
 */
import type { Multiplier } from "../multipliers.ts";
import type { QConvStep } from "../plan.ts";
import type { DenseArgs, OutputArgs, WindowArgs } from "../qkernels.ts";
import { paddedSize, type Placement } from "./placement.ts";

/** How one conv/dense layer runs. */
export interface LayerRun {
  node: string;
  multiplier: string;
  path: "table" | "rows" | "dot";
  /** Dot path: number of int16 streams (1 for the exact multiplier). */
  streams: number;
}

/** Where an operator's tensors are (byte offsets), known once the network is laid out. */
export interface ConvBinding {
  /** Input bytes [batch][h][w][c]. */
  x: number;
  /** Output: bytes [batch][oh][ow][k], or float32 when the step writes logits. */
  y: number;
  /** Scratch shared by every operator, at least the largest `scratchBytes`. */
  scratch: number;
}

/** What every path's `create` gets besides the step. */
export interface ConvContext {
  placement: Placement;
  /** Most images per run (buffers of the operator's own are sized for it). */
  batch: number;
  /** The input's zero-point: the byte padding stands for (real 0). */
  zIn: number;
  /** The step's multiplier. */
  multiplier: Multiplier;
}

export interface ConvOperator {
  readonly layer: LayerRun;
  /** Scratch bytes `run` needs. */
  readonly scratchBytes: number;
  setup(binding: ConvBinding): void;
  /** Computes the layer's output for images 0..n-1 of its input. */
  run(n: number): void;
}

/** The window of a conv step over its padded input. */
export function windowArgs(step: QConvStep): WindowArgs {
  const { hp, wp } = paddedSize(step);
  return [hp, wp, step.c, step.k, step.kh, step.kw, step.sh, step.sw, step.oh, step.ow];
}

/** A dense step's features in and out. */
export function denseArgs(step: QConvStep): DenseArgs {
  return [step.c, step.k];
}

/** How a step's accumulators leave: bytes at its zero-point and floor, or float logits. */
export function outputArgs(step: QConvStep): OutputArgs {
  return [step.zOut, step.lo, step.floatOutput ? 1 : 0];
}
