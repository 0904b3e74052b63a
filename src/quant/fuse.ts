/**
 * Which graph nodes one quantised step computes. A conv or dense absorbs the batch norm that
 * is its only consumer (folded into its weights) and then the ReLU that is the batch norm's
 * (or its own) only consumer (a clamp of the output byte). add, concat and a standalone batch
 * norm absorb a following ReLU the same way; each op says what it absorbs
 * (src/ops/<op>/lower.ts). Anything else is a step of its own. A batch norm that cannot fold
 * (after add, concat, pooling, the input, or after a conv whose output is also used elsewhere)
 * becomes a per-channel table step: an exact float affine map per byte.
 */
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { FusedGroup } from "../ops/lowering.ts";
import { opDef } from "../ops/registry.ts";

export type { FusedGroup } from "../ops/lowering.ts";

/** Nodes the output depends on. */
export function liveNodeIds(graph: Graph): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const live = new Set<string>();
  const stack = [graph.output];
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...byId.get(id)!.inputs);
  }
  return live;
}

/** The steps of `graph`, in topological order, over its live nodes (input excluded). */
export function fuseGraph(graph: Graph): FusedGroup[] {
  const live = liveNodeIds(graph);
  const consumers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (!live.has(n.id)) continue;
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const onlyConsumer = (id: string, op: GraphNode["op"]): GraphNode | undefined => {
    const c = consumers.get(id) ?? [];
    // A node feeding the same consumer twice (add(x, x)) has two uses: no fusion.
    return c.length === 1 && c[0].op === op && c[0].inputs.length === 1 ? c[0] : undefined;
  };
  const absorbed = new Set<string>();
  const groups: FusedGroup[] = [];
  for (const head of graph.nodes) {
    // Sources (the input) are written by the host, not computed by a step.
    if (!live.has(head.id) || head.inputs.length === 0 || absorbed.has(head.id)) continue;
    const absorbs = opDef(head.op).lower.absorbs ?? {};
    const nodes: GraphNode[] = [head];
    // The two ops a step absorbs; standing alone, each is a step that is what it absorbs.
    let batchnorm = head.op === "batchnorm" ? head.id : undefined;
    let relu = head.op === "relu";
    if (absorbs.batchnorm) {
      const bn = onlyConsumer(head.id, "batchnorm");
      if (bn) {
        nodes.push(bn);
        batchnorm = bn.id;
      }
    }
    if (absorbs.relu) {
      const r = onlyConsumer(nodes[nodes.length - 1].id, "relu");
      if (r) {
        nodes.push(r);
        relu = true;
      }
    }
    for (const n of nodes) absorbed.add(n.id);
    groups.push({ head, nodes, output: nodes[nodes.length - 1].id, batchnorm, relu });
  }
  return groups;
}
