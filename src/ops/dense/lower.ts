import { lowerAsConv } from "../conv/lower.ts";
import type { OpLowering } from "../lowering.ts";
import type { DenseNode } from "./spec.ts";

/** A dense layer runs as a 1x1 convolution over its flattened input. */
export const denseLowering: OpLowering<DenseNode> = {
  absorbs: { batchnorm: true, relu: true },
  endsInFloat: true,
  lower(g, ctx) {
    const x = ctx.tensors[g.head.inputs[0]].shape;
    return [lowerAsConv(g, {
      h: 1,
      w: 1,
      c: x.h * x.w * x.c,
      k: g.head.units,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      pad: [0, 0, 0, 0],
      oh: 1,
      ow: 1,
    }, ctx)];
  },
};
