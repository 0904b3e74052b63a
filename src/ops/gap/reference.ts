import { gapBackwardRef, gapForwardRef } from "../../reference/pool.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import type { GlobalAvgPoolNode } from "./spec.ts";

export const gapReference: ReferenceBinding<GlobalAvgPoolNode> = {
  forward: ({ n, xs: [x], inShapes: [s] }) => ({ y: gapForwardRef(x, n, s.h * s.w, s.c) }),
  backward: ({ n, inShapes: [s], dy }) => [gapBackwardRef(dy, n, s.h * s.w, s.c)],
};
