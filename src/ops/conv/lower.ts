import { type ConvGeometry, convStep } from "../../quant/conv_step.ts";
import type { QConvStep } from "../../quant/plan.ts";
import type { FusedGroup, LowerContext, OpLowering } from "../lowering.ts";
import type { GraphNode } from "../specs.ts";
import type { ConvNode } from "./spec.ts";

/** A conv step over `geometry` for a conv, depthwise or dense head, its batch norm folded in. */
export function lowerAsConv(
  g: FusedGroup<GraphNode>,
  geometry: ConvGeometry,
  ctx: LowerContext,
): QConvStep {
  const head = g.head, floatOutput = ctx.isFloatOutput(g);
  ctx.encode(g.output, floatOutput ? { scale: 1, zero: 0 } : ctx.calibrated(g.output));
  return convStep({
    node: head.id,
    dense: head.op === "dense",
    fused: g.nodes.map((n) => n.id),
    input: head.inputs[0],
    output: g.output,
    geometry,
    x: ctx.tensors[head.inputs[0]].q,
    out: ctx.tensors[g.output].q,
    floatOutput,
    weights: ctx.param(head.id, "weight")!,
    bias: ctx.param(head.id, "bias"),
    batchnorm: g.batchnorm ? ctx.batchnormAffine(g.batchnorm) : undefined,
    relu: g.relu,
    granularity: ctx.weights,
    code: ctx.weightCode(head.id),
  });
}

export const convLowering: OpLowering<ConvNode> = {
  absorbs: { batchnorm: true, relu: true },
  endsInFloat: true,
  lower(g, ctx) {
    const head = g.head, x = ctx.tensors[head.inputs[0]].shape, out = ctx.shapes.get(head.id)!;
    return [lowerAsConv(g, {
      h: x.h,
      w: x.w,
      c: x.c,
      k: head.filters,
      kh: head.kernel[0],
      kw: head.kernel[1],
      sh: head.stride[0],
      sw: head.stride[1],
      pad: head.pad,
      oh: out.h,
      ow: out.w,
    }, ctx)];
  },
};
