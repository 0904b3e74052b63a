import { channelTable } from "../../quant/table_step.ts";
import type { QLutStep } from "../../quant/plan.ts";
import type { FusedGroup, LowerContext, OpLowering } from "../lowering.ts";
import type { GraphNode } from "../specs.ts";
import type { BatchNormNode } from "./spec.ts";

/** A per-channel table step for a standalone batch norm or ReLU (with what it absorbed). */
export function lowerAsTable(g: FusedGroup<GraphNode>, ctx: LowerContext): QLutStep {
  ctx.encode(g.output, ctx.calibrated(g.output));
  const input = g.head.inputs[0], x = ctx.tensors[input];
  const bn = g.batchnorm ? ctx.batchnormAffine(g.batchnorm) : undefined;
  const lut = channelTable(x.q, x.shape.c, ctx.tensors[g.output].q, bn, g.relu);
  return { op: "lut", fused: g.nodes.map((n) => n.id), input, output: g.output, lut };
}

/** A batch norm that could not fold into a conv or dense before it: an exact table. */
export const batchnormLowering: OpLowering<BatchNormNode> = {
  absorbs: { relu: true },
  lower: (g, ctx) => [lowerAsTable(g, ctx)],
};
