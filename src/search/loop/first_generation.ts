/**
 * The first generation of a search: a warm start's genomes, each repaired when it breaks
 * this run's constraints, then random genomes that meet them.
 */
import type { Rng } from "../../util/rng.ts";
import type { CgpConfig } from "../cgp/config.ts";
import { type Genome, genomeError } from "../cgp/genome.ts";
import { mutate } from "../cgp/mutate.ts";
import type { EvolveConfig } from "../run/config.ts";
import type { LibraryEntry } from "../run/library.ts";
import { type Candidate, describeGenome } from "./space.ts";
import { shrinkToFit } from "./shrink.ts";
import { feasibleChild, feasibleRandom } from "./feasible.ts";

/**
 * The initial population: a warm start's genomes first (one that breaks this run's
 * constraints is replaced by its largest feasible mutant, so that what it found is not
 * lost), then random genomes up to the population size.
 */
export function firstGeneration(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  rng: Rng,
): Candidate[] {
  const describe = (genome: Genome) => describeGenome(space, config, library, genome);
  const seeds = (config.initial?.genomes ?? []).slice(0, config.population).map((g, i) => {
    const genome = Int32Array.from(g);
    const bad = genomeError(space, genome);
    if (bad) {
      throw new Error(
        `config.json: initial.genomes[${i}] (${config.initial!.ids[i]} of ` +
          `${config.initial!.from}) does not fit this search space: ${bad}`,
      );
    }
    const described = describe(genome);
    if (described.violation === 0) return { genome, described };
    const repaired = repairSeed(space, config, library, genome, rng);
    return { genome: repaired, described: describe(repaired) };
  });
  while (seeds.length < config.population) seeds.push(feasibleRandom(space, config, library, rng));
  return seeds;
}

/** Mutants a warm-start parent over the constraints is repaired from. */
export const REPAIR_TRIES = 200;

/**
 * A warm-start parent that breaks the constraints is shrunk until it fits, keeping its graph
 * (shrink.ts). When shrinking cannot make it fit, it is replaced by the largest (in
 * parameters) of REPAIR_TRIES mutants that meet them: the one that keeps the most of its
 * capacity, where any feasible mutant would often be a much smaller network.
 */
export function repairSeed(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  parent: Genome,
  rng: Rng,
): Genome {
  const shrunk = shrinkToFit(space, (g) => describeGenome(space, config, library, g), parent);
  if (shrunk) return shrunk;
  let best: Genome | undefined, bestParams = -1;
  for (let t = 0; t < REPAIR_TRIES; t++) {
    const child = mutate(space, parent, rng, { rate: config.mutationRate }).genome;
    const d = describeGenome(space, config, library, child);
    if (d.violation === 0 && d.params > bestParams) [best, bestParams] = [child, d.params];
  }
  return best ?? feasibleChild(space, config, library, parent, rng).genome;
}
