/**
 * The graph format's ops, graph-level half (src/ops/spec.ts): the list src/graph/ checks
 * graphs, infers shapes and counts parameters and multiplications with. src/ops/registry.ts
 * lists the same ops with their executor bindings; `registerOp` there adds an op to both.
 */
import type { NodeBase } from "../graph/node.ts";
import type { OpSpec } from "./spec.ts";
import { inputSpec } from "./input/spec.ts";
import { convSpec } from "./conv/spec.ts";
import { dwconvSpec } from "./dwconv/spec.ts";
import { batchnormSpec } from "./batchnorm/spec.ts";
import { reluSpec } from "./relu/spec.ts";
import { avgPoolSpec, maxPoolSpec } from "./pool/spec.ts";
import { gapSpec } from "./gap/spec.ts";
import { denseSpec } from "./dense/spec.ts";
import { addSpec } from "./add/spec.ts";
import { concatSpec } from "./concat/spec.ts";

const BUILTIN_SPECS = {
  input: inputSpec,
  conv: convSpec,
  dwconv: dwconvSpec,
  batchnorm: batchnormSpec,
  relu: reluSpec,
  maxpool: maxPoolSpec,
  avgpool: avgPoolSpec,
  gap: gapSpec,
  dense: denseSpec,
  add: addSpec,
  concat: concatSpec,
};

/** The ops of the graph format. */
export type Op = keyof typeof BUILTIN_SPECS;

type SpecNode<S> = S extends OpSpec<infer N> ? N : never;
/** The node type of op K (one interface may serve several ops: maxpool and avgpool). */
export type NodeOf<K extends Op> = SpecNode<(typeof BUILTIN_SPECS)[K]>;
/** Any node of the graph format. */
export type GraphNode = NodeOf<Op>;

const specs = new Map<string, OpSpec<GraphNode>>(Object.entries(BUILTIN_SPECS));

/** The spec of `op`, or undefined for an op no one registered. */
export function opSpec(op: string): OpSpec<GraphNode> | undefined {
  return specs.get(op);
}

/** The ops of the graph format, in the order above. */
export function builtinOps(): Op[] {
  return Object.keys(BUILTIN_SPECS) as Op[];
}

/** For `registerOp` (src/ops/registry.ts) only: adds an op; returns its removal. */
export function registerSpec<N extends NodeBase>(spec: OpSpec<N>): () => void {
  if (specs.has(spec.op)) throw new Error(`Op '${spec.op}' is already registered`);
  specs.set(spec.op, spec as unknown as OpSpec<GraphNode>);
  return () => specs.delete(spec.op);
}
