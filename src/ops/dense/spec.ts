/** A fully connected layer over the flattened input (NHWC order), with bias. */
import type { NodeBase } from "../../graph/node.ts";
import { type OpSpec, positiveIntegers } from "../spec.ts";

export interface DenseNode extends NodeBase {
  op: "dense";
  units: number;
}

export const denseSpec: OpSpec<DenseNode> = {
  op: "dense",
  arity: 1,
  shape(node, _ins, where) {
    positiveIntegers(where, "units", [node.units]);
    return { h: 1, w: 1, c: node.units };
  },
  params(node, [x]) {
    const fanIn = x.h * x.w * x.c;
    return [
      { name: "weight", shape: [fanIn, node.units], fanIn, init: "uniform" },
      { name: "bias", shape: [node.units], fanIn, init: "uniform" },
    ];
  },
  mults: (node, [x]) => x.h * x.w * x.c * node.units,
};
