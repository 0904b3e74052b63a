import type { EngineBinding } from "../engine_binding.ts";
import type { DenseNode } from "./spec.ts";

export const denseEngine: EngineBinding<DenseNode> = {
  bind({ node, self, kernels: k, param }) {
    const x = self.ins[0], weight = param("weight")!, bias = param("bias")!;
    return {
      forward: (n) =>
        k.f32_dense_fwd(x.out, weight.value, bias.value, self.out, n, x.size, node.units),
      // dx is optional for the kernel: 0 skips it.
      backward: (n, [dx]) =>
        k.f32_dense_bwd(
          x.out,
          weight.value,
          self.grad,
          dx,
          weight.grad,
          bias.grad,
          n,
          x.size,
          node.units,
        ),
    };
  },
};
