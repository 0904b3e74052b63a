/**
 * Active nodes: those the output reaches through the inputs their functions actually read
 * (a unary function ignores its second input gene). Only they are decoded; the rest of the
 * genome drifts neutrally.
 */
import { arity } from "./functions.ts";
import type { CgpConfig } from "./config.ts";
import { type Genome, genomeLayout } from "./genome.ts";

/**
 * Indices of the active nodes in increasing order, which is a topological order: a node only
 * reads nodes of earlier columns.
 *
 * @example
 * activeNodes(config, genome); // e.g. [3, 8, 14]
 */
export function activeNodes(config: CgpConfig, genome: Genome): number[] {
  const l = genomeLayout(config);
  const active = new Uint8Array(l.nodes);
  active[genome[l.outputGene] - 1] = 1;
  // Walk backwards: every reader has a larger index than what it reads.
  for (let k = l.nodes - 1; k >= 0; k--) {
    if (!active[k]) continue;
    const at = k * l.nodeGenes;
    const n = arity(config.functions[genome[at]]);
    for (let i = 0; i < n; i++) {
      const address = genome[at + 1 + i];
      if (address > 0) active[address - 1] = 1;
    }
  }
  const out: number[] = [];
  for (let k = 0; k < l.nodes; k++) if (active[k]) out.push(k);
  return out;
}
