/**
 * CGP-CNN's neutral mutation: only genes the parent's decoding did not read may change, so the
 * network stays the parent's while the genome drifts (used when no offspring improves).
 */
import type { Rng } from "../../util/rng.ts";
import type { CgpConfig } from "./config.ts";
import { decodeGenome } from "./decode.ts";
import { assertGenome, type Genome, genomeLayout } from "./genome.ts";
import { checkRate, mutateGene, type MutationResult, mutationResult } from "./mutate.ts";

/**
 * Each inactive gene changes with probability `rate` (at least one changes when any inactive
 * gene can change).
 *
 * @example
 * const drifted = mutateNeutral(config, parent, rng).genome; // same network as parent
 */
export function mutateNeutral(
  config: CgpConfig,
  parent: Genome,
  rng: Rng,
  { rate = 0.05 }: { rate?: number } = {},
): MutationResult {
  checkRate(rate);
  const layout = genomeLayout(config);
  const { activeGenes } = decodeGenome(config, parent);
  const child = parent.slice();
  const inactive: number[] = [];
  for (let g = 0; g < child.length; g++) if (!activeGenes[g]) inactive.push(g);
  let changed = 0;
  for (const g of inactive) {
    if (rng.next() >= rate) continue;
    mutateGene(layout, child, g, rng);
    if (child[g] !== parent[g]) changed++;
  }
  // Force one change if none happened; some genes have a single allowed value.
  for (let tries = 0; changed === 0 && tries < inactive.length; tries++) {
    const g = inactive[rng.int(inactive.length)];
    mutateGene(layout, child, g, rng);
    if (child[g] !== parent[g]) changed++;
  }
  assertGenome(config, child);
  return mutationResult(child, parent, activeGenes, false, 1);
}
