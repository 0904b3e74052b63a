import {
  dwconv2dBackwardInputRef,
  dwconv2dBackwardWeightsRef,
  dwconv2dForwardRef,
  type DwConv2dShape,
} from "../../reference/dwconv2d.ts";
import type { ReferenceBinding, ReferenceForward } from "../reference_binding.ts";
import type { DwConvNode } from "./spec.ts";

function geometry({ node, n, inShapes: [x], shape }: ReferenceForward<DwConvNode>): DwConv2dShape {
  const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
  return { n, h: x.h, w: x.w, c: x.c, kh, kw, sh, sw, pt, pl, oh: shape.h, ow: shape.w };
}

export const dwconvReference: ReferenceBinding<DwConvNode> = {
  forward: (a) => ({
    y: dwconv2dForwardRef(geometry(a), a.xs[0], a.param("weight")!, a.param("bias")),
  }),
  backward(a) {
    const s = geometry(a);
    const r = dwconv2dBackwardWeightsRef(s, a.xs[0], a.dy);
    a.addGrad("weight", r.dw);
    a.addGrad("bias", r.dbias);
    return [dwconv2dBackwardInputRef(s, a.dy, a.param("weight")!)];
  },
};
