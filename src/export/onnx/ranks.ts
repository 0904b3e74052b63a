/**
 * Tensor ranks in an exported graph: approxnas tensors are h x w x c, with dense layers (and
 * so their consumers) at h = w = 1. ONNX's Gemm takes and gives [N, F]; convolutions, pooling
 * and batch norm take [N, C, H, W]. Each tensor keeps the rank its producer gave it, and a
 * consumer that needs the other one gets a Flatten or Reshape (made once per tensor).
 */
import type { TensorShape } from "../../graph/graph.ts";
import type { OnnxGraph } from "./proto.ts";

export class Ranks {
  readonly #rank = new Map<string, 2 | 4>();
  readonly #converted = new Set<string>();

  constructor(readonly graph: OnnxGraph) {}

  set(name: string, rank: 2 | 4): string {
    this.#rank.set(name, rank);
    return name;
  }

  rank(name: string): 2 | 4 {
    const r = this.#rank.get(name);
    if (r === undefined) throw new Error(`ONNX export: tensor '${name}' has no known rank`);
    return r;
  }

  /** `name` as [N, features] (NCHW order flattened). */
  flat(name: string): string {
    if (this.rank(name) === 2) return name;
    return this.#convert(
      `${name}/flat`,
      () => this.graph.node("Flatten", [name], [`${name}/flat`], { attributes: { axis: 1 } }),
      2,
    );
  }

  /** `name` as [N, C, H, W]; a [N, C] tensor becomes [N, C, 1, 1]. */
  spatial(name: string, shape: TensorShape): string {
    if (this.rank(name) === 4) return name;
    const shapeName = `shape/${shape.c}x${shape.h}x${shape.w}`;
    if (!this.graph.has(shapeName)) {
      this.graph.constant(shapeName, "int64", [4], [0, shape.c, shape.h, shape.w]);
    }
    return this.#convert(
      `${name}/nchw`,
      () => this.graph.node("Reshape", [name, shapeName], [`${name}/nchw`]),
      4,
    );
  }

  /** Both inputs of a merge at one rank: kept at [N, C] when both are, else NCHW. */
  merge(a: string, aShape: TensorShape, b: string, bShape: TensorShape): [string, string] {
    if (this.rank(a) === 2 && this.rank(b) === 2) return [a, b];
    return [this.spatial(a, aShape), this.spatial(b, bShape)];
  }

  #convert(to: string, make: () => string, rank: 2 | 4): string {
    if (!this.#converted.has(to)) {
      make();
      this.#converted.add(to);
      this.set(to, rank);
    }
    return to;
  }
}
