/** A uniformly random genome: every gene drawn from its allowed values. */
import type { Rng } from "../../util/rng.ts";
import type { CgpConfig } from "./config.ts";
import { assertGenome, geneChoices, type Genome, genomeLayout } from "./genome.ts";

/**
 * @example
 * const genome = randomGenome(cgpConfig(), new Rng(1));
 */
export function randomGenome(config: CgpConfig, rng: Rng): Genome {
  const layout = genomeLayout(config);
  const genome = new Int32Array(layout.length);
  for (let g = 0; g < genome.length; g++) {
    const choices = geneChoices(layout, g);
    genome[g] = choices.at(rng.int(choices.count));
  }
  assertGenome(config, genome);
  return genome;
}
