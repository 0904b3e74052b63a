/**
 * Which path a conv/dense step takes, and its operator: dot where the multiplier's table
 * decomposes within the stream limit, else rows (or what the caller forces).
 */
import { decompositionOf } from "../multipliers.ts";
import { type DotLayerData, packDotLayer } from "../pack.ts";
import type { QConvStep } from "../plan.ts";
import { createDotConv } from "./dot.ts";
import type { ConvContext, ConvOperator } from "./operator.ts";
import { createRowsConv } from "./rows.ts";
import { createTableConv } from "./table.ts";

/** "auto": dot where possible, else rows; "table", "rows": always that path; "dot": fail
 * where impossible. */
export type PathChoice = "auto" | "table" | "rows" | "dot";

/** The default limit of dot streams: beyond it the rows path is faster (bench/quant_bench). */
export const DEFAULT_MAX_STREAMS = 3;

export function createConvOperator(
  ctx: ConvContext,
  step: QConvStep,
  path: PathChoice,
  maxStreams: number,
): ConvOperator {
  const multiplier = ctx.multiplier, dec = decompositionOf(multiplier);
  // Depthwise steps have only the table kernel so far: every path choice takes it.
  if (step.depthwise) {
    return createTableConv(ctx, step, ctx.placement.table(multiplier.name, multiplier.table));
  }
  let dot: DotLayerData | null = null;
  if ((path === "auto" || path === "dot") && dec) dot = packDotLayer(step, dec, maxStreams);
  if (dot) return createDotConv(ctx, step, dot);
  if (path === "dot") {
    throw new Error(
      `Layer '${step.node}': multiplier '${multiplier.name}' has no dot-product form within ` +
        `${maxStreams} streams`,
    );
  }
  const table = ctx.placement.table(multiplier.name, multiplier.table);
  return path === "table" ? createTableConv(ctx, step, table) : createRowsConv(ctx, step, table);
}
