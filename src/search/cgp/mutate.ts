/**
 * CGP-CNN's mutation: every gene changes with probability `rate` to a different allowed value,
 * and rounds repeat on the same child until its network differs from the parent's. Changes
 * to inactive genes made on the way are kept (neutral drift).
 */
import type { Rng } from "../../util/rng.ts";
import type { CgpConfig } from "./config.ts";
import { decodeGenome } from "./decode.ts";
import {
  assertGenome,
  geneChoices,
  type Genome,
  type GenomeLayout,
  genomeLayout,
} from "./genome.ts";
import { phenotypeKey } from "./phenotype.ts";

export interface MutationOptions {
  /** Per-gene probability of a change in each round (CGP-CNN: 0.05). */
  rate?: number;
  /** Give up after this many rounds (only a search space with one phenotype needs it). */
  maxRounds?: number;
}

export interface MutationResult {
  genome: Genome;
  /** Genes that differ from the parent. */
  changed: number[];
  /** Those of them the parent's decoding read (non-empty whenever the phenotype changed). */
  activeChanged: number[];
  /** False only when no change was found in `maxRounds` (or for a neutral mutation). */
  phenotypeChanged: boolean;
  /** True when every changed gene was inactive in the parent: the network is the parent's. */
  neutral: boolean;
  rounds: number;
}

/** Changes gene g to a uniformly drawn different allowed value (no-op if there is none). */
export function mutateGene(layout: GenomeLayout, genome: Genome, g: number, rng: Rng): void {
  const choices = geneChoices(layout, g);
  if (choices.count < 2) return;
  let j = rng.int(choices.count - 1);
  if (j >= choices.indexOf(genome[g])) j++;
  genome[g] = choices.at(j);
}

/**
 * An offspring whose network always differs from the parent's.
 *
 * @example
 * const { genome: child, activeChanged } = mutate(config, parent, rng); // rate 0.05
 */
export function mutate(
  config: CgpConfig,
  parent: Genome,
  rng: Rng,
  { rate = 0.05, maxRounds = 10000 }: MutationOptions = {},
): MutationResult {
  checkRate(rate);
  const layout = genomeLayout(config);
  const decoded = decodeGenome(config, parent);
  const parentKey = phenotypeKey(decoded);
  const child = parent.slice();
  let rounds = 0, changedPhenotype = false;
  while (!changedPhenotype && rounds < maxRounds) {
    rounds++;
    let touchedActive = false;
    for (let g = 0; g < child.length; g++) {
      if (rng.next() >= rate) continue;
      mutateGene(layout, child, g, rng);
      if (decoded.activeGenes[g]) touchedActive = true;
    }
    // Only a change to a gene the parent's decoding read can change the network.
    if (touchedActive) changedPhenotype = phenotypeKey(decodeGenome(config, child)) !== parentKey;
  }
  assertGenome(config, child);
  return mutationResult(child, parent, decoded.activeGenes, changedPhenotype, rounds);
}

export function mutationResult(
  child: Genome,
  parent: Genome,
  activeGenes: Uint8Array,
  phenotypeChanged: boolean,
  rounds: number,
): MutationResult {
  const changed: number[] = [];
  for (let g = 0; g < child.length; g++) if (child[g] !== parent[g]) changed.push(g);
  const activeChanged = changed.filter((g) => activeGenes[g]);
  return {
    genome: child,
    changed,
    activeChanged,
    phenotypeChanged,
    neutral: activeChanged.length === 0,
    rounds,
  };
}

export function checkRate(rate: number): void {
  if (!(rate > 0 && rate <= 1)) throw new Error(`Mutation rate must be in (0, 1], found ${rate}`);
}
