/** 2-D convolution: HWIO weights, optional bias, explicit stride and padding. */
import type { NodeBase, Padding } from "../../graph/node.ts";
import { type OpSpec, positiveIntegers, type TensorSlot } from "../spec.ts";
import { windowShape } from "../window.ts";

export interface ConvNode extends NodeBase {
  op: "conv";
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
  bias: boolean;
}

export const convSpec: OpSpec<ConvNode> = {
  op: "conv",
  arity: 1,
  shape(node, [x], where) {
    const { h, w } = windowShape(node, x, where);
    positiveIntegers(where, "filters", [node.filters]);
    return { h, w, c: node.filters };
  },
  params(node, [x]) {
    const [kh, kw] = node.kernel;
    const fanIn = kh * kw * x.c;
    const slots: TensorSlot[] = [
      { name: "weight", shape: [kh, kw, x.c, node.filters], fanIn, init: "uniform" },
    ];
    if (node.bias) slots.push({ name: "bias", shape: [node.filters], fanIn, init: "uniform" });
    return slots;
  },
  mults: (node, [x], out) => out.h * out.w * node.kernel[0] * node.kernel[1] * x.c * node.filters,
};
