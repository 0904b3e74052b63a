/** Global average pooling: the mean of each channel over h x w, as a 1x1 tensor. */
import type { NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface GlobalAvgPoolNode extends NodeBase {
  op: "gap";
}

export const gapSpec: OpSpec<GlobalAvgPoolNode> = {
  op: "gap",
  arity: 1,
  shape: (_node, [x]) => ({ h: 1, w: 1, c: x.c }),
};
