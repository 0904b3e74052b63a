/**
 * The CGP function set: what one grid node can compute. Following CGP-CNN (Suganuma et al.,
 * 2017): convolution blocks and residual blocks in several filter counts and kernel sizes,
 * max and average pooling, and the two merges (summation, concatenation). The mobile set
 * replaces the full convolutions with the blocks of networks for small hardware (MobileNetV2,
 * MCUNet): depthwise-separable convolutions and inverted residuals, with the expansion ratio
 * and kernel size as what the function gene picks.
 */

/** One entry of the function set; a node's function gene indexes a list of these. */
export type CgpFunction =
  /** conv (stride 1, "same" padding, no bias) -> batch norm -> ReLU. */
  | { kind: "conv"; filters: number; kernel: number }
  /** conv-BN-ReLU-conv-BN plus the shortcut, then ReLU. */
  | { kind: "res"; filters: number; kernel: number }
  /** depthwise conv-BN-ReLU, then pointwise (1x1) conv-BN-ReLU to `filters` channels. */
  | { kind: "sep"; filters: number; kernel: number }
  /**
   * Inverted residual (MobileNetV2): 1x1 expansion to `expand` x the input's channels
   * (BN-ReLU; left out when expand is 1), depthwise conv-BN-ReLU, 1x1 projection to
   * `filters` (BN, no ReLU), plus the input when it has `filters` channels.
   */
  | { kind: "mbconv"; filters: number; kernel: number; expand: number }
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

/** The functions with filters and a kernel size: the blocks of convolutions. */
export type ConvBlock = Extract<CgpFunction, { filters: number }>;

/** Whether f is a block of convolutions (it has filters and a kernel size). */
export function isConvBlock(f: CgpFunction): f is ConvBlock {
  return "filters" in f;
}

/**
 * A short name for summaries and logs: "conv32k3", "res64k5", "sep32k3", "mb6x32k5",
 * "maxpool", "sum".
 */
export function functionName(f: CgpFunction): string {
  if (f.kind === "mbconv") return `mb${f.expand}x${f.filters}k${f.kernel}`;
  return isConvBlock(f) ? `${f.kind}${f.filters}k${f.kernel}` : f.kind;
}

/** Which blocks a function set has: CGP-CNN's, the mobile ones, or both. */
export type FunctionSetName = "classic" | "mobile" | "both";
export const FUNCTION_SETS: readonly FunctionSetName[] = ["classic", "mobile", "both"];

export interface FunctionSetOptions {
  /** Filter counts of the conv and residual blocks. */
  filters?: readonly number[];
  /** Square kernel sizes of the conv and residual blocks. */
  kernels?: readonly number[];
  /** "classic" (the default): conv and res; "mobile": sep and mbconv; "both": all four. */
  set?: FunctionSetName;
  /** Expansion ratios of the inverted residuals. */
  expansions?: readonly number[];
}

/** Filter counts small enough for a search on a 2-core CPU. */
export const DEFAULT_FILTERS: readonly number[] = [16, 32, 64];
export const DEFAULT_KERNELS: readonly number[] = [3, 5];
/** MobileNetV2 uses 6 (1 in its first block); 3 keeps blocks affordable at small widths. */
export const DEFAULT_EXPANSIONS: readonly number[] = [3, 6];

/**
 * Every block of the set over filters x kernels (x expansions for mbconv), kind by kind in the
 * order conv, res, sep, mbconv, then maxpool, avgpool, sum and concat. The classic set is
 * CGP-CNN's, exactly as before the mobile blocks existed.
 *
 * @example
 * functionSet({ filters: [32, 64, 128] }).map(functionName);
 * // ["conv32k3", "conv32k5", "conv64k3", ..., "res128k5", "maxpool", "avgpool", "sum", "concat"]
 */
export function functionSet(
  {
    filters = DEFAULT_FILTERS,
    kernels = DEFAULT_KERNELS,
    set = "classic",
    expansions = DEFAULT_EXPANSIONS,
  }: FunctionSetOptions = {},
): CgpFunction[] {
  const lists = [["filters", filters], ["kernels", kernels], ["expansions", expansions]] as const;
  for (const [what, list] of lists) {
    if (list.length === 0 || list.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`functionSet: ${what} must be positive integers, found [${list}]`);
    }
  }
  if (!FUNCTION_SETS.includes(set)) {
    throw new Error(`functionSet: set must be one of ${FUNCTION_SETS.join(", ")}, found '${set}'`);
  }
  const kinds = { classic: ["conv", "res"], mobile: ["sep"], both: ["conv", "res", "sep"] }[set];
  const out: CgpFunction[] = [];
  for (const kind of kinds as ("conv" | "res" | "sep")[]) {
    for (const f of filters) for (const k of kernels) out.push({ kind, filters: f, kernel: k });
  }
  if (set !== "classic") {
    for (const f of filters) {
      for (const k of kernels) {
        for (const e of expansions) out.push({ kind: "mbconv", filters: f, kernel: k, expand: e });
      }
    }
  }
  out.push({ kind: "maxpool" }, { kind: "avgpool" }, { kind: "sum" }, { kind: "concat" });
  return out;
}

/** CGP-CNN's published function set: 32/64/128 filters, 3x3 and 5x5 kernels. */
export const CGP_CNN_FUNCTIONS: readonly CgpFunction[] = functionSet({
  filters: [32, 64, 128],
  kernels: [3, 5],
});
