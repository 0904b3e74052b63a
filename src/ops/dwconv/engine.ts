/** Depthwise convolution on the engine: the kernels of assembly/dwconv2d_f32.ts. */
import type { EngineBinding } from "../engine_binding.ts";
import type { DwConvNode } from "./spec.ts";

export const dwconvEngine: EngineBinding<DwConvNode> = {
  bind({ node, self, kernels: k, param }) {
    const x = self.ins[0].out, y = self.out, dy = self.grad;
    const weight = param("weight")!, bias = param("bias");
    const w = weight.value, dw = weight.grad, b = bias?.value ?? 0, db = bias?.grad ?? 0;
    const { h, w: wd, c } = self.ins[0].shape, { h: oh, w: ow } = self.shape;
    const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
    // Geometry after the pointers: n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow.
    return {
      forward(n) {
        k.f32_dwconv2d_fwd(x, w, b, y, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow);
      },
      backward(n, [dx]) {
        k.f32_dwconv2d_bwd_weights(x, dy, dw, db, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow);
        if (dx) k.f32_dwconv2d_bwd_input(dy, w, dx, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow);
      },
    };
  },
};
