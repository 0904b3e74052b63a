/** Element-wise sum of two tensors of equal shape (the residual sum). */
import { fmt, type NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface AddNode extends NodeBase {
  op: "add";
}

export const addSpec: OpSpec<AddNode> = {
  op: "add",
  arity: 2,
  shape(_node, [a, b], where) {
    if (a.h !== b.h || a.w !== b.w || a.c !== b.c) {
      throw new Error(`${where}: inputs must have equal shapes, found ${fmt(a)} and ${fmt(b)}`);
    }
    return { ...a };
  },
};
