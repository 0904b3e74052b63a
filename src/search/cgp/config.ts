/**
 * The shape of a CGP search space: the grid, levels-back, the function set, how approximate
 * multipliers are encoded, and the image/classes the decoded networks work on.
 */
import type { TensorShape } from "../../graph/graph.ts";
import { type CgpFunction, functionSet, isConvBlock } from "./functions.ts";

/**
 * Where the approximate-multiplier genes live:
 * - "none": no multiplier genes (every multiplication exact);
 * - "network": one gene for the whole network, as in Pinos et al.;
 * - "per-layer": one gene per function node (used by the convolutions that node decodes to)
 *   plus one for the final dense layer.
 */
export type MultiplierGenes = "none" | "network" | "per-layer";

export interface CgpConfig {
  rows: number;
  cols: number;
  /** A node in column j reads columns j-levelsBack .. j-1, or the network input. */
  levelsBack: number;
  functions: readonly CgpFunction[];
  multiplierGenes: MultiplierGenes;
  /** Number of multipliers in the library a multiplier gene indexes (ignored for "none"). */
  librarySize: number;
  /**
   * Channel cap for concatenation: a concat whose result would exceed it is decoded as a sum
   * instead, so chains of concatenations cannot blow up the width.
   */
  maxChannels: number;
  input: TensorShape;
  classes: number;
}

export const CIFAR10_INPUT: TensorShape = { h: 32, w: 32, c: 3 };

/**
 * Fills the defaults and checks the result. Defaults: CGP-CNN's 5 x 30 grid with levels-back
 * 10, the small function set (16/32/64 filters, 3x3 and 5x5), one multiplier gene for the
 * network over a library of 1 (exact only), channel cap twice the largest filter count,
 * CIFAR-10 images and 10 classes.
 *
 * @example
 * const config = cgpConfig({ rows: 3, cols: 10, levelsBack: 4, librarySize: 8 });
 */
export function cgpConfig(options: Partial<CgpConfig> = {}): CgpConfig {
  const functions = options.functions ?? functionSet();
  const widest = Math.max(
    ...functions.map((f) => isConvBlock(f) ? f.filters : 0),
  );
  const config: CgpConfig = {
    rows: 5,
    cols: 30,
    levelsBack: 10,
    multiplierGenes: "network",
    librarySize: 1,
    input: CIFAR10_INPUT,
    classes: 10,
    ...options,
    functions,
    maxChannels: options.maxChannels ?? Math.max(2 * widest, options.input?.c ?? 3, 1),
  };
  checkConfig(config);
  return config;
}

/** Throws naming the first bad field. */
export function checkConfig(c: CgpConfig): void {
  const int = (name: string, v: number, lo: number, hi = Infinity) => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`CGP config: ${name} must be an integer in [${lo}, ${hi}], found ${v}`);
    }
  };
  int("rows", c.rows, 1);
  int("cols", c.cols, 1);
  int("levelsBack", c.levelsBack, 1, c.cols);
  int("librarySize", c.librarySize, 1);
  int("classes", c.classes, 1);
  int("input.h", c.input.h, 1);
  int("input.w", c.input.w, 1);
  int("input.c", c.input.c, 1);
  if (c.functions.length === 0) throw new Error("CGP config: the function set is empty");
  if (!["none", "network", "per-layer"].includes(c.multiplierGenes)) {
    throw new Error(`CGP config: unknown multiplierGenes '${c.multiplierGenes}'`);
  }
  const widest = Math.max(
    c.input.c,
    ...c.functions.map((f) => isConvBlock(f) ? f.filters : 0),
  );
  int("maxChannels", c.maxChannels, widest);
}
