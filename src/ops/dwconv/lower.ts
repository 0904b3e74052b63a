import type { OpLowering } from "../lowering.ts";
import { lowerAsConv } from "../conv/lower.ts";
import type { DwConvNode } from "./spec.ts";

/** A depthwise conv step (k = c), its batch norm folded in per channel as a conv's. */
export const dwconvLowering: OpLowering<DwConvNode> = {
  absorbs: { batchnorm: true, relu: true },
  endsInFloat: true,
  lower(g, ctx) {
    const head = g.head, x = ctx.tensors[head.inputs[0]].shape, out = ctx.shapes.get(head.id)!;
    return [lowerAsConv(g, {
      h: x.h,
      w: x.w,
      c: x.c,
      k: x.c,
      kh: head.kernel[0],
      kw: head.kernel[1],
      sh: head.stride[0],
      sw: head.stride[1],
      pad: head.pad,
      oh: out.h,
      ow: out.w,
      depthwise: true,
    }, ctx)];
  },
};
