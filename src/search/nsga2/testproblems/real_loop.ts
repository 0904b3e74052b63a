/**
 * A complete real-coded NSGA-II (Deb et al., 2002) on a box-bounded problem, built from the
 * pure pieces: binary tournament on (rank, crowding), SBX and polynomial mutation, (mu +
 * lambda) survival. It exists to test those pieces on problems with known fronts.
 */
import { Rng } from "../../../util/rng.ts";
import { hypervolume } from "../hypervolume.ts";
import { paretoFrontIndices } from "../non_dominated_sort.ts";
import { rankAndCrowding, survive } from "../survival.ts";
import { binaryTournament } from "../tournament.ts";
import { polynomialMutation } from "./polynomial_mutation.ts";
import type { RealProblem } from "./zdt.ts";
import { sbx } from "./sbx.ts";

export interface RealLoopOptions {
  populationSize: number;
  generations: number;
  seed: number;
  crossoverEta?: number;
  mutationEta?: number;
}

export interface RealLoopResult {
  population: Float64Array[];
  objectives: number[][];
  /** Hypervolume of the population's front against the problem's reference, per generation. */
  hypervolumes: number[];
}

/**
 * @example
 * const { hypervolumes } = runRealNsga2(zdt1(), { populationSize: 100, generations: 250, seed: 1 });
 */
export function runRealNsga2(
  problem: RealProblem,
  { populationSize, generations, seed, crossoverEta = 15, mutationEta = 20 }: RealLoopOptions,
): RealLoopResult {
  if (populationSize % 2) throw new Error("runRealNsga2: the population size must be even");
  const rng = new Rng(seed);
  const { lower, upper } = problem;
  let population: Float64Array[] = Array.from(
    { length: populationSize },
    () => Float64Array.from(lower, (lo, i) => rng.uniform(lo, upper[i])),
  );
  let objectives = population.map((x) => problem.evaluate(x));
  let { rank, crowding } = rankAndCrowding(objectives);
  const hypervolumes: number[] = [];
  const frontHv = () =>
    hypervolume(paretoFrontIndices(objectives).map((i) => objectives[i]), problem.reference);

  for (let gen = 0; gen < generations; gen++) {
    const parents = binaryTournament(rng, rank, crowding, populationSize);
    const children: Float64Array[] = [];
    for (let i = 0; i < populationSize; i += 2) {
      const pair = sbx(rng, population[parents[i]], population[parents[i + 1]], lower, upper, {
        eta: crossoverEta,
      });
      for (const c of pair) {
        children.push(polynomialMutation(rng, c, lower, upper, { eta: mutationEta }));
      }
    }
    const all = [...population, ...children]; // offspring last: they win exact ties
    const allObjectives = [...objectives, ...children.map((x) => problem.evaluate(x))];
    const next = survive(allObjectives, populationSize);
    population = next.indices.map((i) => all[i]);
    objectives = next.indices.map((i) => allObjectives[i]);
    rank = Int32Array.from(next.rank);
    crowding = Float64Array.from(next.crowding);
    hypervolumes.push(frontHv());
  }
  return { population, objectives, hypervolumes };
}
