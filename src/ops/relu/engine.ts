import type { EngineBinding } from "../engine_binding.ts";
import type { ReluNode } from "./spec.ts";

export const reluEngine: EngineBinding<ReluNode> = {
  bind({ self, kernels: k }) {
    const x = self.ins[0];
    return {
      forward: (n) => k.f32_relu_fwd(x.out, self.out, n * self.size),
      backward(n, [dx]) {
        if (dx) k.f32_relu_bwd(self.out, self.grad, dx, n * self.size);
      },
    };
  },
};
