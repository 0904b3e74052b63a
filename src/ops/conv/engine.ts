/** Convolution on the engine: the direct kernels, or Winograd's where it applies and pays. */
import type { TensorShape } from "../../graph/node.ts";
import type { EngineBinding } from "../engine_binding.ts";
import type { ConvNode } from "./spec.ts";

export const convEngine: EngineBinding<ConvNode> = {
  bind({ node, self, kernels: k, param, scratch, settings }) {
    const x = self.ins[0].out, y = self.out, dy = self.grad;
    const weight = param("weight")!, bias = param("bias");
    const w = weight.value, dw = weight.grad, b = bias?.value ?? 0, db = bias?.grad ?? 0;
    const { h, w: wd, c } = self.ins[0].shape, { h: oh, w: ow } = self.shape, f = node.filters;
    const [kh, kw] = node.kernel, [sh, sw] = node.stride, [pt, pl] = node.pad;
    // The direct backward-to-input kernel re-packs the weights there.
    const packed = scratch("conv2d", kh * kw * c * f);
    const winograd = winogradApplies(node, self.ins[0].shape, self.shape)
      ? scratch("winograd", k.f32_conv3x3s1_winograd_scratch(c, f))
      : undefined;
    // Geometry after the pointers: n, h, wd, c, f, [kh, kw, sh, sw,] pt, pl, oh, ow.
    return {
      forward(n) {
        if (winograd && settings.winograd) {
          const s = winograd.ptr;
          k.f32_conv3x3s1_fwd_winograd(x, w, b, y, s, n, h, wd, c, f, pt, pl, oh, ow);
        } else {
          k.f32_conv2d_fwd(x, w, b, y, n, h, wd, c, f, kh, kw, sh, sw, pt, pl, oh, ow);
        }
      },
      backward(n, [dx]) {
        if (winograd && settings.winograd) {
          const s = winograd.ptr;
          k.f32_conv3x3s1_bwd_weights_winograd(x, dy, dw, db, s, n, h, wd, c, f, pt, pl, oh, ow);
          if (dx) k.f32_conv3x3s1_bwd_input_winograd(dy, w, dx, s, n, h, wd, c, f, pt, pl, oh, ow);
        } else {
          k.f32_conv2d_bwd_weights(x, dy, dw, db, n, h, wd, c, f, kh, kw, sh, sw, pt, pl, oh, ow);
          if (dx) {
            const s = packed.ptr;
            k.f32_conv2d_bwd_input(dy, w, dx, s, n, h, wd, c, f, kh, kw, sh, sw, pt, pl, oh, ow);
          }
        }
      },
    };
  },
};

/**
 * Convolutions the Winograd kernels take: 3x3, stride 1, enough channels for the transforms
 * to pay (not the 3-channel first layer) and outputs of at least one whole 4x4 tile.
 */
export function winogradApplies(node: ConvNode, input: TensorShape, output: TensorShape): boolean {
  return node.kernel[0] === 3 && node.kernel[1] === 3 && node.stride[0] === 1 &&
    node.stride[1] === 1 && input.c >= 8 && output.h >= 4 && output.w >= 4;
}
