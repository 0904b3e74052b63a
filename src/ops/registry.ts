/**
 * The op registry: every op of the graph format with what each executor needs of it, one
 * entry per op. An op lives in src/ops/<op>/, one file per concern:
 *
 * - spec.ts: its node fields, arity, shape rule, parameter/state tensors, multiplications
 *   (listed again in src/ops/specs.ts, which src/graph/ reads);
 * - engine.ts: its float forward/backward bound to the wasm kernels (src/train/network.ts);
 * - reference.ts: its float64 forward/backward (src/reference/network.ts);
 * - lower.ts: its 8-bit fusion and lowering to plan steps (src/quant/quantize.ts, fuse.ts).
 *
 * Imports go one way, from the executors down to the graph format:
 *
 *   train/network.ts, reference/network.ts, quant/quantize.ts, quant/fuse.ts
 *     -> ops/registry.ts
 *     -> ops/<op>/{engine,reference,lower}.ts
 *     -> engine kernel types, src/reference/ kernels, src/quant/ step builders, ops/<op>/spec.ts
 *   graph/graph.ts, graph/count.ts, model/layout.ts -> ops/specs.ts -> ops/<op>/spec.ts
 *     -> graph/node.ts
 *
 * No op file imports an executor, and the graph format does not import this registry, so
 * graph/ stays free of engine, reference and quantiser code. Adding an op: its folder, a line
 * in specs.ts and one here (the compiler checks that every op of specs.ts has an entry), its
 * kernels and their tests. `registerOp` adds one at run time (tests, extensions).
 */
import type { NodeBase } from "../graph/node.ts";
import type { EngineBinding } from "./engine_binding.ts";
import type { OpLowering } from "./lowering.ts";
import type { ReferenceBinding } from "./reference_binding.ts";
import type { OpSpec } from "./spec.ts";
import { type GraphNode, type NodeOf, type Op, registerSpec } from "./specs.ts";
import { inputSpec } from "./input/spec.ts";
import { inputEngine } from "./input/engine.ts";
import { inputReference } from "./input/reference.ts";
import { inputLowering } from "./input/lower.ts";
import { convSpec } from "./conv/spec.ts";
import { convEngine } from "./conv/engine.ts";
import { convReference } from "./conv/reference.ts";
import { convLowering } from "./conv/lower.ts";
import { dwconvSpec } from "./dwconv/spec.ts";
import { dwconvEngine } from "./dwconv/engine.ts";
import { dwconvReference } from "./dwconv/reference.ts";
import { dwconvLowering } from "./dwconv/lower.ts";
import { batchnormSpec } from "./batchnorm/spec.ts";
import { batchnormEngine } from "./batchnorm/engine.ts";
import { batchnormReference } from "./batchnorm/reference.ts";
import { batchnormLowering } from "./batchnorm/lower.ts";
import { reluSpec } from "./relu/spec.ts";
import { reluEngine } from "./relu/engine.ts";
import { reluReference } from "./relu/reference.ts";
import { reluLowering } from "./relu/lower.ts";
import { avgPoolSpec, maxPoolSpec } from "./pool/spec.ts";
import { avgPoolEngine, maxPoolEngine } from "./pool/engine.ts";
import { avgPoolReference, maxPoolReference } from "./pool/reference.ts";
import { avgPoolLowering, maxPoolLowering } from "./pool/lower.ts";
import { gapSpec } from "./gap/spec.ts";
import { gapEngine } from "./gap/engine.ts";
import { gapReference } from "./gap/reference.ts";
import { gapLowering } from "./gap/lower.ts";
import { denseSpec } from "./dense/spec.ts";
import { denseEngine } from "./dense/engine.ts";
import { denseReference } from "./dense/reference.ts";
import { denseLowering } from "./dense/lower.ts";
import { addSpec } from "./add/spec.ts";
import { addEngine } from "./add/engine.ts";
import { addReference } from "./add/reference.ts";
import { addLowering } from "./add/lower.ts";
import { concatSpec } from "./concat/spec.ts";
import { concatEngine } from "./concat/engine.ts";
import { concatReference } from "./concat/reference.ts";
import { concatLowering } from "./concat/lower.ts";

/** One op, everything about it. */
export interface OpDef<N extends NodeBase> {
  spec: OpSpec<N>;
  engine: EngineBinding<N>;
  // What the forward pass saves for the backward one is the op's own business.
  // deno-lint-ignore no-explicit-any
  reference: ReferenceBinding<N, any>;
  lower: OpLowering<N>;
}

const BUILTIN_OPS: { [K in Op]: OpDef<NodeOf<K>> } = {
  input: { spec: inputSpec, engine: inputEngine, reference: inputReference, lower: inputLowering },
  conv: { spec: convSpec, engine: convEngine, reference: convReference, lower: convLowering },
  dwconv: {
    spec: dwconvSpec,
    engine: dwconvEngine,
    reference: dwconvReference,
    lower: dwconvLowering,
  },
  batchnorm: {
    spec: batchnormSpec,
    engine: batchnormEngine,
    reference: batchnormReference,
    lower: batchnormLowering,
  },
  relu: { spec: reluSpec, engine: reluEngine, reference: reluReference, lower: reluLowering },
  maxpool: {
    spec: maxPoolSpec,
    engine: maxPoolEngine,
    reference: maxPoolReference,
    lower: maxPoolLowering,
  },
  avgpool: {
    spec: avgPoolSpec,
    engine: avgPoolEngine,
    reference: avgPoolReference,
    lower: avgPoolLowering,
  },
  gap: { spec: gapSpec, engine: gapEngine, reference: gapReference, lower: gapLowering },
  dense: { spec: denseSpec, engine: denseEngine, reference: denseReference, lower: denseLowering },
  add: { spec: addSpec, engine: addEngine, reference: addReference, lower: addLowering },
  concat: {
    spec: concatSpec,
    engine: concatEngine,
    reference: concatReference,
    lower: concatLowering,
  },
};

const ops = new Map<string, OpDef<GraphNode>>(Object.entries(BUILTIN_OPS));

/** Everything about `op`; throws for an op no one registered. */
export function opDef(op: string): OpDef<GraphNode> {
  const def = ops.get(op);
  if (!def) throw new Error(`Op '${op}' is not registered (src/ops/registry.ts)`);
  return def;
}

/** Whether `op` is registered with its executor bindings. */
export function isRegistered(op: string): boolean {
  return ops.has(op);
}

/**
 * Adds an op for every executor and for graph checking; returns its removal. Nodes of it
 * type-check as GraphNode only through a cast: the format's own ops are those of specs.ts.
 */
export function registerOp<N extends NodeBase>(def: OpDef<N>): () => void {
  const removeSpec = registerSpec(def.spec);
  ops.set(def.spec.op, def as unknown as OpDef<GraphNode>);
  return () => {
    ops.delete(def.spec.op);
    removeSpec();
  };
}
