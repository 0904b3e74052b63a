/**
 * From genome to network: the active nodes, in order, become blocks of the engine's graph
 * format; the output node is followed by global average pooling and a dense layer to the
 * classes. Shape mismatches follow merge_rules.ts; pooling a 1x1 input is the identity.
 * Every genome valid for its config decodes to a graph `inferShapes` accepts.
 */
import { GraphBuilder } from "../../graph/builder.ts";
import { invertedResidual } from "../../graph/mobilenet.ts";
import { fmt, type Graph } from "../../graph/graph.ts";
import { activeNodes } from "./active.ts";
import type { CgpConfig } from "./config.ts";
import { arity, type CgpFunction, functionName } from "./functions.ts";
import { assertGenome, type Genome, genomeLayout } from "./genome.ts";
import { mergeConcat, mergeSum } from "./merge_rules.ts";

export interface DecodedGenome {
  graph: Graph;
  /**
   * Library index of the multiplier of every conv and dense node of the graph, by node id
   * (empty when the config has no multiplier genes: every multiplication is exact).
   */
  multipliers: Record<string, number>;
  /** Active CGP nodes, in increasing (topological) order. */
  activeNodes: number[];
  /** 1 for every gene decoding read: changing any other gene leaves the network unchanged. */
  activeGenes: Uint8Array;
  /** The CGP node each graph node came from (-1 for the input and the gap/dense head). */
  origin: Record<string, number>;
  /** One line: the active nodes with their inputs and output shapes, and the multipliers. */
  summary: string;
}

/**
 * @example
 * const { graph, multipliers, summary } = decodeGenome(config, genome);
 * graphCost(graph).params; // known before any training
 */
export function decodeGenome(
  config: CgpConfig,
  genome: Genome,
  { name = "cgp" }: { name?: string } = {},
): DecodedGenome {
  assertGenome(config, genome);
  const l = genomeLayout(config);
  const g = new GraphBuilder(name, config.input, config.classes);
  const activeGenes = new Uint8Array(l.length);
  const multipliers: Record<string, number> = {};
  const origin: Record<string, number> = { input: -1 };
  const tensorOf = new Map<number, string>([[0, "input"]]);
  const parts: string[] = [];
  const label = (address: number) => (address === 0 ? "in" : `n${address - 1}`);

  const active = activeNodes(config, genome);
  for (const k of active) {
    const at = k * l.nodeGenes;
    const f = config.functions[genome[at]];
    activeGenes[at] = 1;
    const inputs = genome.subarray(at + 1, at + 1 + arity(f));
    inputs.forEach((_, i) => (activeGenes[at + 1 + i] = 1));
    const before = g.nodes.length;
    const { id, note } = decodeNode(g, f, [...inputs].map((a) => tensorOf.get(a)!), config);
    tensorOf.set(k + 1, id);
    // Every graph node this CGP node added; its convolutions take the node's multiplier.
    let convs = 0;
    for (const node of g.nodes.slice(before)) {
      origin[node.id] = k;
      if (node.op !== "conv" && node.op !== "dwconv") continue;
      convs++;
      if (config.multiplierGenes === "per-layer") multipliers[node.id] = genome[at + 3];
      if (config.multiplierGenes === "network") multipliers[node.id] = genome[l.tailGene];
    }
    let part = `n${k}=${functionName(f)}${note}(${[...inputs].map(label).join(",")})`;
    if (config.multiplierGenes === "per-layer" && convs > 0) {
      activeGenes[at + 3] = 1;
      part += `@m${genome[at + 3]}`;
    }
    parts.push(`${part}:${fmt(g.shape(id))}`);
  }

  activeGenes[l.outputGene] = 1;
  const last = tensorOf.get(genome[l.outputGene])!;
  const dense = g.dense(g.gap(last), config.classes);
  for (const node of g.nodes) origin[node.id] ??= -1;
  let tail = "";
  if (l.tailGene >= 0) {
    activeGenes[l.tailGene] = 1;
    multipliers[dense] = genome[l.tailGene];
    tail = config.multiplierGenes === "network"
      ? ` | multiplier m${genome[l.tailGene]}`
      : ` | head@m${genome[l.tailGene]}`;
  }
  const summary = `${parts.join(" ")} -> gap,dense${config.classes}${tail}`;
  return { graph: g.build(dense), multipliers, activeNodes: active, activeGenes, origin, summary };
}

/** Adds one CGP node's block; `note` marks a rule that changed what the gene says. */
function decodeNode(
  g: GraphBuilder,
  f: CgpFunction,
  [x, y]: string[],
  config: CgpConfig,
): { id: string; note: string } {
  switch (f.kind) {
    case "conv":
      return { id: g.convBnRelu(x, f.filters, f.kernel), note: "" };
    case "res": {
      const body = g.batchnorm(g.conv(g.convBnRelu(x, f.filters, f.kernel), f.filters, f.kernel));
      // A 1x1 projection shortcut when the channel count changes, as in ResNet.
      const shortcut = g.shape(x).c === f.filters ? x : g.batchnorm(g.conv(x, f.filters, 1));
      return { id: g.relu(g.add(body, shortcut)), note: "" };
    }
    case "sep": {
      const dw = g.relu(g.batchnorm(g.dwconv(x, f.kernel)));
      return { id: g.convBnRelu(dw, f.filters, 1), note: "" };
    }
    case "mbconv":
      return { id: invertedResidual(g, x, f.filters, f.kernel, f.expand), note: "" };
    case "maxpool":
    case "avgpool": {
      const s = g.shape(x);
      if (s.h === 1 && s.w === 1) return { id: x, note: "=id" };
      return { id: g.pool(f.kind, x, 2, 2), note: "" };
    }
    case "sum":
      return { id: mergeSum(g, x, y), note: "" };
    case "concat": {
      const { id, asSum } = mergeConcat(g, x, y, config.maxChannels);
      return { id, note: asSum ? "=sum" : "" };
    }
  }
}
