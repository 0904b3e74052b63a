/** The image input: node 0 of every graph, its shape the graph's `input`. */
import type { NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface InputNode extends NodeBase {
  op: "input";
}

export const inputSpec: OpSpec<InputNode> = {
  op: "input",
  arity: 0,
  shape: (_node, _ins, _where, graphInput) => ({ ...graphInput }),
};
