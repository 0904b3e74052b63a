import { affineFromRange } from "../../quant/affine.ts";
import { inputRange } from "../../quant/input.ts";
import type { OpLowering } from "../lowering.ts";
import type { InputNode } from "./spec.ts";

/** The input's encoding is the exact range of normalised pixels; the host encodes it. */
export const inputLowering: OpLowering<InputNode> = {
  lower(g, ctx) {
    const r = inputRange();
    ctx.encode(g.output, affineFromRange(r.lo, r.hi));
    return [];
  },
};
