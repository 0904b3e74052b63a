/** Max pooling (saving argmax indices for its backward pass) and average pooling. */
import type { EngineBindContext, EngineBinding } from "../engine_binding.ts";
import type { PoolNode } from "./spec.ts";

/** The pooling kernels' geometry after the pointers and the batch. */
function geometry({ node, self }: EngineBindContext<PoolNode>) {
  const x = self.ins[0].shape;
  const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
  return { h: x.h, wd: x.w, c: x.c, kh, kw, sh, sw, pt, pl, oh: self.shape.h, ow: self.shape.w };
}

export const maxPoolEngine: EngineBinding<PoolNode> = {
  bind(ctx) {
    const { self, kernels: k } = ctx, x = self.ins[0];
    const { h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow } = geometry(ctx);
    // The flat input index of each output's winner.
    const argmax = ctx.allocI32(ctx.batch * self.size);
    return {
      forward: (n) =>
        k.f32_maxpool_fwd(x.out, self.out, argmax, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow),
      backward(n, [dx]) {
        if (dx) k.f32_maxpool_bwd(self.grad, argmax, dx, n * x.size, n * self.size);
      },
    };
  },
};

export const avgPoolEngine: EngineBinding<PoolNode> = {
  bind(ctx) {
    const { self, kernels: k } = ctx, x = self.ins[0];
    const { h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow } = geometry(ctx);
    return {
      forward: (n) =>
        k.f32_avgpool_fwd(x.out, self.out, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow),
      backward(n, [dx]) {
        if (dx) k.f32_avgpool_bwd(self.grad, dx, n, h, wd, c, kh, kw, sh, sw, pt, pl, oh, ow);
      },
    };
  },
};
