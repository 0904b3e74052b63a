/** y = max(x, 0). */
import type { NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface ReluNode extends NodeBase {
  op: "relu";
}

export const reluSpec: OpSpec<ReluNode> = {
  op: "relu",
  arity: 1,
  shape: (_node, [x]) => ({ ...x }),
};
