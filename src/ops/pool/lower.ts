import type { OpLowering } from "../lowering.ts";
import type { PoolNode } from "./spec.ts";

/** Max and mean commute with an increasing affine map: the output keeps the input's encoding. */
const poolLowering: OpLowering<PoolNode> = {
  keepsEncoding: true,
  lower({ head, nodes, output }, ctx) {
    ctx.encode(output, ctx.tensors[head.inputs[0]].q);
    return [{
      op: head.op,
      fused: nodes.map((n) => n.id),
      input: head.inputs[0],
      output,
      kh: head.kernel[0],
      kw: head.kernel[1],
      sh: head.stride[0],
      sw: head.stride[1],
      pad: head.pad,
    }];
  },
};

export const maxPoolLowering = poolLowering;
export const avgPoolLowering = poolLowering;
