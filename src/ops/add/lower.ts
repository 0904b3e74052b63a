import type { OpLowering } from "../lowering.ts";
import type { AddNode } from "./spec.ts";

export const addLowering: OpLowering<AddNode> = {
  absorbs: { relu: true },
  lower({ head, nodes, output, relu }, ctx) {
    ctx.encode(output, ctx.calibrated(output));
    const [a, b] = head.inputs.map((i) => ctx.tensors[i].q);
    const out = ctx.tensors[output].q;
    return [{
      op: "add",
      fused: nodes.map((n) => n.id),
      a: head.inputs[0],
      b: head.inputs[1],
      output,
      ka: Math.fround(a.scale / out.scale),
      kb: Math.fround(b.scale / out.scale),
      zOut: out.zero,
      lo: relu ? out.zero : 0,
    }];
  },
};
