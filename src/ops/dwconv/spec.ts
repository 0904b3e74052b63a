/**
 * Depthwise 2-D convolution: one kh x kw filter per channel (channel multiplier 1), HWC
 * weights [kh, kw, c], optional bias, explicit stride and padding. Its output has its input's
 * channels; a pointwise (1x1) conv beside it mixes them.
 */
import type { NodeBase, Padding } from "../../graph/node.ts";
import type { OpSpec, TensorSlot } from "../spec.ts";
import { windowShape } from "../window.ts";

export interface DwConvNode extends NodeBase {
  op: "dwconv";
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
  bias: boolean;
}

export const dwconvSpec: OpSpec<DwConvNode> = {
  op: "dwconv",
  arity: 1,
  shape(node, [x], where) {
    const { h, w } = windowShape(node, x, where);
    return { h, w, c: x.c };
  },
  params(node, [x]) {
    const [kh, kw] = node.kernel;
    // Each output channel sees one input channel's window, as PyTorch's groups=c counts it.
    const fanIn = kh * kw;
    const slots: TensorSlot[] = [{ name: "weight", shape: [kh, kw, x.c], fanIn, init: "uniform" }];
    if (node.bias) slots.push({ name: "bias", shape: [x.c], fanIn, init: "uniform" });
    return slots;
  },
  // One multiplication per kernel tap per output element.
  mults: (node, _ins, out) => out.h * out.w * out.c * node.kernel[0] * node.kernel[1],
};
