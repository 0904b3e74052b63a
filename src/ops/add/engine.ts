import type { EngineBinding } from "../engine_binding.ts";
import type { AddNode } from "./spec.ts";

export const addEngine: EngineBinding<AddNode> = {
  bind({ self, kernels: k }) {
    const [a, b] = self.ins;
    return {
      forward: (n) => k.f32_add(a.out, b.out, self.out, n * self.size),
      backward(n, targets) {
        for (const t of targets) if (t) k.f32_copy(self.grad, t, n * self.size);
      },
    };
  },
};
