/**
 * The engine-independent core of the search: the CGP encoding of networks and their
 * approximate multipliers, and NSGA-II's pure operators over objective matrices. Nothing here
 * trains or evaluates a network; every random choice takes an `Rng`.
 *
 * @example Encode, decode and cost a genome
 * ```ts
 * import { cgpConfig, decodeGenome, genomeCost, mutate, randomGenome } from "./src/search/mod.ts";
 * import { Rng } from "./src/util/rng.ts";
 *
 * const config = cgpConfig({ multiplierGenes: "network", librarySize: 16 });
 * const rng = new Rng(1);
 * const parent = randomGenome(config, rng);
 * const child = mutate(config, parent, rng).genome; // its network always differs
 * const decoded = decodeGenome(config, child); // graph, multipliers by layer id, summary
 * const { params, mults, multsByMultiplier } = genomeCost(decoded);
 * ```
 *
 * @example One NSGA-II generation over evaluated objectives (minimised)
 * ```ts
 * import {
 *   binaryTournament,
 *   normalizedHypervolume,
 *   rankAndCrowding,
 *   survive,
 * } from "./src/search/mod.ts";
 *
 * const { rank, crowding } = rankAndCrowding(parentObjectives);
 * const mates = binaryTournament(rng, rank, crowding, lambda); // then mutate each
 * // Offspring after parents, so they win exact ties; failed ones carry Infinity.
 * const next = survive([...parentObjectives, ...childObjectives], mu, { violations });
 * const hv = normalizedHypervolume(front, { lower, upper, reference: [1.1, 1.1, 1.1] });
 * ```
 */

// CGP encoding
export {
  arity,
  CGP_CNN_FUNCTIONS,
  type CgpFunction,
  DEFAULT_FILTERS,
  DEFAULT_KERNELS,
  functionName,
  functionSet,
  type FunctionSetOptions,
} from "./cgp/functions.ts";
export {
  type CgpConfig,
  cgpConfig,
  checkConfig,
  CIFAR10_INPUT,
  type MultiplierGenes,
} from "./cgp/config.ts";
export {
  assertGenome,
  columnOf,
  type GeneChoices,
  geneChoices,
  geneRole,
  type Genome,
  genomeError,
  type GenomeLayout,
  genomeLayout,
  getNode,
  type NodeGenes,
  setNode,
} from "./cgp/genome.ts";
export { randomGenome } from "./cgp/random_genome.ts";
export { activeNodes } from "./cgp/active.ts";
export { type DecodedGenome, decodeGenome } from "./cgp/decode.ts";
export { halvingsBetween } from "./cgp/merge_rules.ts";
export { phenotypeKey } from "./cgp/phenotype.ts";
export { type GenomeCost, genomeCost } from "./cgp/cost.ts";
export { mutate, mutateGene, type MutationOptions, type MutationResult } from "./cgp/mutate.ts";
export { mutateNeutral } from "./cgp/mutate_neutral.ts";

// NSGA-II
export {
  constrainedDominates,
  dominates,
  type ObjectiveMatrix,
  totalViolations,
} from "./nsga2/dominance.ts";
export {
  frontRanks,
  nonDominatedSort,
  paretoFrontIndices,
  type SortOptions,
} from "./nsga2/non_dominated_sort.ts";
export { crowdingDistance, type CrowdingOptions } from "./nsga2/crowding.ts";
export { binaryTournament } from "./nsga2/tournament.ts";
export {
  rankAndCrowding,
  type RankedPopulation,
  type SurvivalOptions,
  survive,
  type Survivors,
} from "./nsga2/survival.ts";
export { hypervolume } from "./nsga2/hypervolume.ts";
export {
  normalizedHypervolume,
  type NormalizedHypervolumeOptions,
  normalizeObjectives,
} from "./nsga2/normalize.ts";
