/** Hand-written genomes for the CGP tests. */
import type { CgpConfig } from "../../src/search/cgp/config.ts";
import { functionName } from "../../src/search/cgp/functions.ts";
import {
  assertGenome,
  type Genome,
  genomeLayout,
  type NodeGenes,
  setNode,
} from "../../src/search/cgp/genome.ts";

/** Index of a function by its name ("conv16k3", "sum", ...). */
export function fn(config: CgpConfig, name: string): number {
  const i = config.functions.findIndex((f) => functionName(f) === name);
  if (i < 0) throw new Error(`no function '${name}' in the set`);
  return i;
}

/**
 * A genome whose listed nodes (by index) say what is given; every other node is function 0
 * reading the network input; `output` is the output gene (an address: node k is k + 1).
 */
export function genomeWith(
  config: CgpConfig,
  nodes: Record<number, NodeGenes>,
  output: number,
  tail = 0,
): Genome {
  const l = genomeLayout(config);
  const genome = new Int32Array(l.length);
  for (const [k, genes] of Object.entries(nodes)) setNode(config, genome, Number(k), genes);
  genome[l.outputGene] = output;
  if (l.tailGene >= 0) genome[l.tailGene] = tail;
  assertGenome(config, genome);
  return genome;
}
