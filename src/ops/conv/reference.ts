import {
  conv2dBackwardInputRef,
  conv2dBackwardWeightsRef,
  conv2dForwardRef,
  type Conv2dShape,
} from "../../reference/conv2d.ts";
import type { ReferenceBinding, ReferenceForward } from "../reference_binding.ts";
import type { ConvNode } from "./spec.ts";

function geometry({ node, n, inShapes: [x], shape }: ReferenceForward<ConvNode>): Conv2dShape {
  const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
  return {
    n,
    h: x.h,
    w: x.w,
    c: x.c,
    k: shape.c,
    kh,
    kw,
    sh,
    sw,
    pt,
    pl,
    oh: shape.h,
    ow: shape.w,
  };
}

export const convReference: ReferenceBinding<ConvNode> = {
  forward: (a) => ({
    y: conv2dForwardRef(geometry(a), a.xs[0], a.param("weight")!, a.param("bias")),
  }),
  backward(a) {
    const s = geometry(a);
    const r = conv2dBackwardWeightsRef(s, a.xs[0], a.dy);
    a.addGrad("weight", r.dw);
    a.addGrad("bias", r.dbias);
    return [conv2dBackwardInputRef(s, a.dy, a.param("weight")!)];
  },
};
