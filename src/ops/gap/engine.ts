import type { EngineBinding } from "../engine_binding.ts";
import type { GlobalAvgPoolNode } from "./spec.ts";

export const gapEngine: EngineBinding<GlobalAvgPoolNode> = {
  bind({ self, kernels: k }) {
    const x = self.ins[0], hw = x.shape.h * x.shape.w, c = x.shape.c;
    return {
      forward: (n) => k.f32_gap_fwd(x.out, self.out, n, hw, c),
      backward(n, [dx]) {
        if (dx) k.f32_gap_bwd(self.grad, dx, n, hw, c);
      },
    };
  },
};
