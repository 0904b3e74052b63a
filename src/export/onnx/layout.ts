/**
 * From approxnas's layouts to ONNX's: activations NHWC -> NCHW, conv weights HWIO -> OIHW,
 * and dense weights, whose rows follow the NHWC flattening of their input, reordered for the
 * NCHW flattening an ONNX Flatten gives. The values of a model's tensors, by node.
 */
import type { TensorShape } from "../../graph/graph.ts";
import { findSlot, paramLayout, type Slot } from "../../model/layout.ts";
import type { SavedModel } from "../../model/model_file.ts";

type Numbers = Float32Array | Float64Array | Uint8Array;

/** HWIO [kh][kw][c][k] -> OIHW [k][c][kh][kw]. */
export function hwioToOihw<T extends Numbers>(
  w: T,
  kh: number,
  kw: number,
  c: number,
  k: number,
): T {
  const out = new (w.constructor as { new (n: number): T })(w.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let ci = 0; ci < c; ci++) {
        const from = ((y * kw + x) * c + ci) * k;
        for (let co = 0; co < k; co++) out[((co * c + ci) * kh + y) * kw + x] = w[from + co];
      }
    }
  }
  return out;
}

/**
 * Dense weights [features][units] whose features are the NHWC flattening of `input`, with
 * the rows reordered to its NCHW flattening (an identity when h = w = 1).
 */
export function denseRowsToNchw<T extends Numbers>(w: T, input: TensorShape, units: number): T {
  const { h, w: width, c } = input;
  if (h === 1 && width === 1) return w;
  const out = new (w.constructor as { new (n: number): T })(w.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        const from = ((y * width + x) * c + ch) * units, to = ((ch * h + y) * width + x) * units;
        out.set(w.subarray(from, from + units), to);
      }
    }
  }
  return out;
}

/** The stored tensors of a model, by node and name. */
export class ModelTensors {
  readonly #layout;

  constructor(readonly model: SavedModel) {
    this.#layout = paramLayout(model.graph);
  }

  /** A node's parameter (weight, bias, gamma, beta), or undefined when it has none. */
  param(node: string, name: Slot["name"]): Float32Array | undefined {
    const s = findSlot(this.#layout.params, node, name);
    return s ? this.model.params.subarray(s.offset, s.offset + s.length) : undefined;
  }

  /** A batch norm's running statistic. */
  state(node: string, name: "running_mean" | "running_var"): Float32Array {
    const s = findSlot(this.#layout.state, node, name);
    if (!s) throw new Error(`Model: batch norm '${node}' has no ${name}`);
    return this.model.state.subarray(s.offset, s.offset + s.length);
  }

  /** A node's parameter that must exist. */
  required(node: string, name: Slot["name"]): Float32Array {
    const p = this.param(node, name);
    if (!p) throw new Error(`Model: node '${node}' has no ${name}`);
    return p;
  }
}
