/**
 * NSGA-II's (mu + lambda) survival: rank parents and offspring together, take whole fronts
 * while they fit, and fill the rest from the next front by decreasing crowding distance.
 *
 * Ties prefer the newer individual: pass `birth` (larger = newer), or place the offspring
 * after the parents in the matrix (the default birth is the index). Exact objective
 * duplicates give the distance to the newest copy (crowding.ts); any remaining tie on
 * (rank, crowding) is broken by birth, then index, newest first.
 */
import type { ObjectiveMatrix } from "./dominance.ts";
import { crowdingDistance } from "./crowding.ts";
import { frontRanks, nonDominatedSort } from "./non_dominated_sort.ts";

export interface SurvivalOptions {
  /** Constraint violation per individual (0 = feasible). */
  violations?: ArrayLike<number>;
  /** Larger = newer; default: the index. */
  birth?: ArrayLike<number>;
}

export interface RankedPopulation {
  fronts: number[][];
  /** Per individual: its front (0 = best) and its crowding distance in that front. */
  rank: Int32Array;
  crowding: Float64Array;
  /** Every index, best first: by rank, then crowding (larger first), then newest first. */
  order: number[];
}

/**
 * Ranks and crowding distances of a whole population (what the tournament reads).
 *
 * @example
 * const { rank, crowding } = rankAndCrowding(objectives);
 */
export function rankAndCrowding(
  objectives: ObjectiveMatrix,
  { violations, birth }: SurvivalOptions = {},
): RankedPopulation {
  const n = objectives.length;
  const fronts = nonDominatedSort(objectives, { violations });
  const rank = frontRanks(fronts, n);
  const crowding = new Float64Array(n);
  const age = (i: number) => (birth ? birth[i] : i);
  const order: number[] = [];
  for (const front of fronts) {
    const d = crowdingDistance(objectives, front, { birth });
    front.forEach((i, j) => (crowding[i] = d[j]));
    order.push(
      ...[...front].sort((a, b) => crowding[b] - crowding[a] || age(b) - age(a) || b - a),
    );
  }
  return { fronts, rank, crowding, order };
}

export interface Survivors {
  /** Indices into the combined population, best first. */
  indices: number[];
  /** The survivors' ranks and crowding distances, aligned with `indices`. */
  rank: number[];
  crowding: number[];
}

/**
 * The `mu` best of a combined population.
 *
 * @example
 * // parents then offspring, so offspring win exact ties
 * const next = survive([...parentObjectives, ...childObjectives], 40);
 */
export function survive(
  objectives: ObjectiveMatrix,
  mu: number,
  options: SurvivalOptions = {},
): Survivors {
  if (!Number.isInteger(mu) || mu < 0) throw new Error(`survive: mu must be >= 0, found ${mu}`);
  const ranked = rankAndCrowding(objectives, options);
  const indices = ranked.order.slice(0, mu);
  return {
    indices,
    rank: indices.map((i) => ranked.rank[i]),
    crowding: indices.map((i) => ranked.crowding[i]),
  };
}
