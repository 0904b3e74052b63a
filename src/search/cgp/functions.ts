/**
 * The CGP function set: what one grid node can compute. Following CGP-CNN (Suganuma et al.,
 * 2017): convolution blocks and residual blocks in several filter counts and kernel sizes,
 * max and average pooling, and the two merges (summation, concatenation).
 */

/** One entry of the function set; a node's function gene indexes a list of these. */
export type CgpFunction =
  /** conv (stride 1, "same" padding, no bias) -> batch norm -> ReLU. */
  | { kind: "conv"; filters: number; kernel: number }
  /** conv-BN-ReLU-conv-BN plus the shortcut, then ReLU. */
  | { kind: "res"; filters: number; kernel: number }
  /** 2x2 window, stride 2. */
  | { kind: "maxpool" }
  | { kind: "avgpool" }
  /** Element-wise sum of two inputs. */
  | { kind: "sum" }
  /** Channel concatenation of two inputs. */
  | { kind: "concat" };

export type FunctionKind = CgpFunction["kind"];

/** How many of a node's input genes the function reads. */
export function arity(f: CgpFunction): 1 | 2 {
  return f.kind === "sum" || f.kind === "concat" ? 2 : 1;
}

/** A short name for summaries and logs: "conv32k3", "res64k5", "maxpool", "sum". */
export function functionName(f: CgpFunction): string {
  return f.kind === "conv" || f.kind === "res" ? `${f.kind}${f.filters}k${f.kernel}` : f.kind;
}

export interface FunctionSetOptions {
  /** Filter counts of the conv and residual blocks. */
  filters?: readonly number[];
  /** Square kernel sizes of the conv and residual blocks. */
  kernels?: readonly number[];
}

/** Filter counts small enough for a search on a 2-core CPU. */
export const DEFAULT_FILTERS: readonly number[] = [16, 32, 64];
export const DEFAULT_KERNELS: readonly number[] = [3, 5];

/**
 * Every conv block and residual block over filters x kernels, then maxpool, avgpool, sum and
 * concat, in that order.
 *
 * @example
 * functionSet({ filters: [32, 64, 128] }).map(functionName);
 * // ["conv32k3", "conv32k5", "conv64k3", ..., "res128k5", "maxpool", "avgpool", "sum", "concat"]
 */
export function functionSet(
  { filters = DEFAULT_FILTERS, kernels = DEFAULT_KERNELS }: FunctionSetOptions = {},
): CgpFunction[] {
  for (const [what, list] of [["filters", filters], ["kernels", kernels]] as const) {
    if (list.length === 0 || list.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`functionSet: ${what} must be positive integers, found [${list}]`);
    }
  }
  const out: CgpFunction[] = [];
  for (const kind of ["conv", "res"] as const) {
    for (const f of filters) for (const k of kernels) out.push({ kind, filters: f, kernel: k });
  }
  out.push({ kind: "maxpool" }, { kind: "avgpool" }, { kind: "sum" }, { kind: "concat" });
  return out;
}

/** CGP-CNN's published function set: 32/64/128 filters, 3x3 and 5x5 kernels. */
export const CGP_CNN_FUNCTIONS: readonly CgpFunction[] = functionSet({
  filters: [32, 64, 128],
  kernels: [3, 5],
});
