/**
 * New genomes that meet a run's constraints, random or mutants of a parent: drawn again
 * until one fits, a bounded number of times (the last one drawn otherwise).
 */
import type { Rng } from "../../util/rng.ts";
import type { CgpConfig } from "../cgp/config.ts";
import type { Genome } from "../cgp/genome.ts";
import { randomGenome } from "../cgp/random_genome.ts";
import { mutate } from "../cgp/mutate.ts";
import type { EvolveConfig } from "../run/config.ts";
import type { LibraryEntry } from "../run/library.ts";
import { type Candidate, describeGenome } from "./space.ts";

/** Genomes from `make` until one meets the constraints (at most 1 + `retries`, then the last). */
function untilFeasible(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  make: () => Genome,
  retries: number,
): Candidate {
  const draw = (): Candidate => {
    const genome = make();
    return { genome, described: describeGenome(space, config, library, genome) };
  };
  let c = draw();
  for (let t = 0; t < retries && c.described.violation > 0; t++) c = draw();
  return c;
}

/** Random genomes until one meets the constraints (at most 500 retries, then the last one). */
export function feasibleRandom(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  rng: Rng,
): Candidate {
  return untilFeasible(space, config, library, () => randomGenome(space, rng), 500);
}

/** A mutant of `parent` that meets the constraints (at most 100 retries, then the last one). */
export function feasibleChild(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  parent: Genome,
  rng: Rng,
): Candidate {
  const make = () => mutate(space, parent, rng, { rate: config.mutationRate }).genome;
  return untilFeasible(space, config, library, make, 100);
}
