import {
  avgPoolBackwardRef,
  avgPoolForwardRef,
  maxPoolBackwardRef,
  maxPoolForwardRef,
  type PoolShape,
} from "../../reference/pool.ts";
import type { ReferenceBinding, ReferenceForward } from "../reference_binding.ts";
import type { PoolNode } from "./spec.ts";

function geometry({ node, n, inShapes: [x], shape }: ReferenceForward<PoolNode>): PoolShape {
  const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
  return { n, h: x.h, w: x.w, c: shape.c, kh, kw, sh, sw, pt, pl, oh: shape.h, ow: shape.w };
}

export const maxPoolReference: ReferenceBinding<PoolNode, Int32Array> = {
  forward(a) {
    const r = maxPoolForwardRef(a.xs[0], geometry(a));
    return { y: r.y, saved: r.argmax };
  },
  backward: ({ xs: [x], dy, saved: argmax }) => [maxPoolBackwardRef(dy, argmax, x.length)],
};

export const avgPoolReference: ReferenceBinding<PoolNode> = {
  forward: (a) => ({ y: avgPoolForwardRef(a.xs[0], geometry(a)) }),
  backward: (a) => [avgPoolBackwardRef(a.dy, geometry(a))],
};
