/** Channel concatenation of two tensors of equal h x w: the first input's channels first. */
import { fmt, type NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface ConcatNode extends NodeBase {
  op: "concat";
}

export const concatSpec: OpSpec<ConcatNode> = {
  op: "concat",
  arity: 2,
  shape(_node, [a, b], where) {
    if (a.h !== b.h || a.w !== b.w) {
      throw new Error(`${where}: inputs must have equal h x w, found ${fmt(a)} and ${fmt(b)}`);
    }
    return { h: a.h, w: a.w, c: a.c + b.c };
  },
};
