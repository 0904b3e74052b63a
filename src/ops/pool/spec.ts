/** Max and average pooling over strided windows; only in-image taps count. */
import type { NodeBase, Padding, TensorShape } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";
import { windowShape } from "../window.ts";

export interface PoolNode extends NodeBase {
  op: "maxpool" | "avgpool";
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
}

function poolShape(node: PoolNode, [x]: TensorShape[], where: string): TensorShape {
  const { h, w } = windowShape(node, x, where);
  // A window starting wholly in the padding would have no tap.
  if (node.pad[0] >= node.kernel[0] || node.pad[1] >= node.kernel[1]) {
    throw new Error(`${where}: pooling padding must be smaller than the window`);
  }
  return { h, w, c: x.c };
}

export const maxPoolSpec: OpSpec<PoolNode> = { op: "maxpool", arity: 1, shape: poolShape };
export const avgPoolSpec: OpSpec<PoolNode> = { op: "avgpool", arity: 1, shape: poolShape };
