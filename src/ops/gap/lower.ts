import type { OpLowering } from "../lowering.ts";
import type { GlobalAvgPoolNode } from "./spec.ts";

export const gapLowering: OpLowering<GlobalAvgPoolNode> = {
  lower({ head, nodes, output }, ctx) {
    ctx.encode(output, ctx.calibrated(output));
    const x = ctx.tensors[head.inputs[0]], out = ctx.tensors[output].q;
    return [{
      op: "gap",
      fused: nodes.map((n) => n.id),
      input: head.inputs[0],
      output,
      k: Math.fround(x.q.scale / (x.shape.h * x.shape.w * out.scale)),
      zOut: out.zero,
    }];
  },
};
