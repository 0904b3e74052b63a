/**
 * The CGP genome: a flat Int32Array. Node k (k = column * rows + row) owns the region
 * [function, input1, input2] (+ [multiplier] with per-layer multipliers); after the nodes
 * come the output gene and, unless multipliers are "none", one tail multiplier gene (the
 * network's multiplier, or with per-layer multipliers the final dense layer's).
 *
 * Input genes are addresses: 0 is the network input, k + 1 is node k. A node in column j may
 * read the network input or any node in columns max(0, j - levelsBack) .. j - 1; the output
 * gene may name any node (never the bare input, so every network has a function node).
 */
import type { CgpConfig } from "./config.ts";

export type Genome = Int32Array;

export type GeneRole = "function" | "input1" | "input2" | "multiplier" | "output" | "tail";

/** Where each gene lives; computed once per config. */
export interface GenomeLayout {
  readonly config: CgpConfig;
  readonly nodes: number;
  /** Genes per node: 3, or 4 with per-layer multipliers. */
  readonly nodeGenes: number;
  readonly outputGene: number;
  /** Index of the tail multiplier gene, or -1 for "none". */
  readonly tailGene: number;
  readonly length: number;
}

const layouts = new WeakMap<CgpConfig, GenomeLayout>();

export function genomeLayout(config: CgpConfig): GenomeLayout {
  let l = layouts.get(config);
  if (!l) {
    const nodes = config.rows * config.cols;
    const nodeGenes = config.multiplierGenes === "per-layer" ? 4 : 3;
    const outputGene = nodes * nodeGenes;
    const tailGene = config.multiplierGenes === "none" ? -1 : outputGene + 1;
    l = {
      config,
      nodes,
      nodeGenes,
      outputGene,
      tailGene,
      length: outputGene + (tailGene < 0 ? 1 : 2),
    };
    layouts.set(config, l);
  }
  return l;
}

/** Which node a gene belongs to (-1 for the output and tail genes) and its role. */
export function geneRole(layout: GenomeLayout, gene: number): { node: number; role: GeneRole } {
  if (gene === layout.outputGene) return { node: -1, role: "output" };
  if (gene === layout.tailGene) return { node: -1, role: "tail" };
  const node = Math.floor(gene / layout.nodeGenes);
  const role = (["function", "input1", "input2", "multiplier"] as const)[gene % layout.nodeGenes];
  return { node, role };
}

/** The column of node k. */
export function columnOf(layout: GenomeLayout, node: number): number {
  return Math.floor(node / layout.config.rows);
}

/**
 * The allowed values of one gene, as a count and a bijection with 0..count-1, so that a
 * uniform draw, "a different value", and validation all share one definition.
 */
export interface GeneChoices {
  count: number;
  /** The j-th allowed value. */
  at(j: number): number;
  /** Position of a value among the allowed ones, or -1 if not allowed. */
  indexOf(value: number): number;
}

function range(lo: number, count: number): GeneChoices {
  return {
    count,
    at: (j) => lo + j,
    indexOf: (v) => Number.isInteger(v) && v >= lo && v < lo + count ? v - lo : -1,
  };
}

export function geneChoices(layout: GenomeLayout, gene: number): GeneChoices {
  const c = layout.config;
  const { node, role } = geneRole(layout, gene);
  switch (role) {
    case "function":
      return range(0, c.functions.length);
    case "multiplier":
    case "tail":
      return range(0, c.librarySize);
    case "output":
      return range(1, layout.nodes);
    case "input1":
    case "input2": {
      // The input (address 0), then the nodes of the reachable columns: a contiguous block.
      const col = columnOf(layout, node);
      const first = 1 + c.rows * Math.max(0, col - c.levelsBack);
      const last = c.rows * col; // address of the last node of column col - 1
      const block = Math.max(0, last - first + 1);
      return {
        count: 1 + block,
        at: (j) => (j === 0 ? 0 : first + j - 1),
        indexOf: (v) =>
          v === 0 ? 0 : Number.isInteger(v) && v >= first && v <= last ? v - first + 1 : -1,
      };
    }
  }
}

/** The first problem with a genome, or null when it is valid for the config. */
export function genomeError(config: CgpConfig, genome: ArrayLike<number>): string | null {
  const layout = genomeLayout(config);
  if (!(genome instanceof Int32Array)) return "genome must be an Int32Array";
  if (genome.length !== layout.length) {
    return `genome has ${genome.length} genes, expected ${layout.length}`;
  }
  for (let g = 0; g < genome.length; g++) {
    const choices = geneChoices(layout, g);
    if (choices.indexOf(genome[g]) < 0) {
      const { node, role } = geneRole(layout, g);
      const where = node >= 0 ? `node ${node} (column ${columnOf(layout, node)}) ${role}` : role;
      const allowed = choices.count === 1
        ? `${choices.at(0)}`
        : `one of ${choices.at(0)}, ${choices.at(1)}${
          choices.count > 2 ? ` .. ${choices.at(choices.count - 1)}` : ""
        }`;
      return `gene ${g} (${where}) is ${genome[g]}, expected ${allowed}`;
    }
  }
  return null;
}

/** Throws when the genome does not fit the config; called after every change to a genome. */
export function assertGenome(config: CgpConfig, genome: ArrayLike<number>): void {
  const e = genomeError(config, genome);
  if (e) throw new Error(`Invalid CGP genome: ${e}`);
}

/** What one node's genes say; see `setNode`. */
export interface NodeGenes {
  fn: number;
  inputs: [number, number];
  multiplier?: number;
}

/** Reads node k's genes. */
export function getNode(config: CgpConfig, genome: Genome, node: number): NodeGenes {
  const l = genomeLayout(config);
  const at = node * l.nodeGenes;
  const out: NodeGenes = { fn: genome[at], inputs: [genome[at + 1], genome[at + 2]] };
  if (l.nodeGenes === 4) out.multiplier = genome[at + 3];
  return out;
}

/** Writes node k's genes (unchecked: call `assertGenome` once the genome is complete). */
export function setNode(config: CgpConfig, genome: Genome, node: number, genes: NodeGenes): void {
  const l = genomeLayout(config);
  const at = node * l.nodeGenes;
  genome[at] = genes.fn;
  genome[at + 1] = genes.inputs[0];
  genome[at + 2] = genes.inputs[1];
  if (l.nodeGenes === 4) genome[at + 3] = genes.multiplier ?? 0;
}
