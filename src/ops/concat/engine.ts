import type { EngineBinding } from "../engine_binding.ts";
import type { ConcatNode } from "./spec.ts";

export const concatEngine: EngineBinding<ConcatNode> = {
  bind({ self, kernels: k, spare }) {
    const [a, b] = self.ins, pixels = self.shape.h * self.shape.w;
    const ca = a.shape.c, cb = b.shape.c;
    return {
      forward: (n) => k.f32_concat_fwd(a.out, b.out, self.out, n * pixels, ca, cb),
      // The kernel splits into both halves: an unneeded one goes to a spare buffer.
      backward: (n, [da, db]) =>
        k.f32_concat_bwd(self.grad, da || spare[0].ptr, db || spare[1].ptr, n * pixels, ca, cb),
    };
  },
};
