import { denseBackwardRef, denseForwardRef } from "../../reference/dense.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import type { DenseNode } from "./spec.ts";

export const denseReference: ReferenceBinding<DenseNode> = {
  forward: ({ node, n, xs: [x], inShapes: [s], param }) => ({
    y: denseForwardRef(x, param("weight")!, param("bias")!, n, s.h * s.w * s.c, node.units),
  }),
  backward({ node, n, xs: [x], inShapes: [s], param, dy, addGrad }) {
    const r = denseBackwardRef(x, param("weight")!, dy, n, s.h * s.w * s.c, node.units);
    addGrad("weight", r.dw);
    addGrad("bias", r.dbias);
    return [r.dx];
  },
};
