import { concatBackwardRef, concatForwardRef } from "../../reference/elementwise.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import type { ConcatNode } from "./spec.ts";

export const concatReference: ReferenceBinding<ConcatNode> = {
  forward: ({ n, xs: [a, b], inShapes: [sa, sb], shape }) => ({
    y: concatForwardRef(a, b, n * shape.h * shape.w, sa.c, sb.c),
  }),
  backward({ n, inShapes: [sa, sb], shape, dy }) {
    const r = concatBackwardRef(dy, n * shape.h * shape.w, sa.c, sb.c);
    return [r.da, r.db];
  },
};
