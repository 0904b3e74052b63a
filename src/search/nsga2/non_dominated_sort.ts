/**
 * Deb's fast non-dominated sort (O(M N^2)) under constraint-domination: the feasible
 * individuals form the first fronts by Pareto dominance; then the infeasible ones, one front
 * per distinct total violation, smallest first (failed candidates, at Infinity, last).
 */
import { dominates, type ObjectiveMatrix, totalViolations } from "./dominance.ts";

export interface SortOptions {
  /** Constraint violation per individual (0 = feasible); omitted: all feasible. */
  violations?: ArrayLike<number>;
}

/**
 * Fronts of indices, best first; every index appears once. Within a front, indices ascend.
 *
 * @example
 * nonDominatedSort([[1, 2], [2, 1], [2, 2]]); // [[0, 1], [2]]
 */
export function nonDominatedSort(
  objectives: ObjectiveMatrix,
  { violations }: SortOptions = {},
): number[][] {
  const v = totalViolations(objectives, violations);
  const feasible: number[] = [], infeasible: number[] = [];
  for (let i = 0; i < v.length; i++) (v[i] === 0 ? feasible : infeasible).push(i);
  const fronts = paretoFronts(objectives, feasible);
  infeasible.sort((a, b) => v[a] - v[b] || a - b);
  for (let i = 0; i < infeasible.length;) {
    let j = i + 1;
    while (j < infeasible.length && v[infeasible[j]] === v[infeasible[i]]) j++;
    fronts.push(infeasible.slice(i, j));
    i = j;
  }
  return fronts;
}

/** Pareto fronts of the given subset (finite rows). */
function paretoFronts(objectives: ObjectiveMatrix, subset: number[]): number[][] {
  const n = subset.length;
  const dominatedBy = new Int32Array(n); // how many dominate each
  const beats: number[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      const a = objectives[subset[p]], b = objectives[subset[q]];
      if (dominates(a, b)) {
        beats[p].push(q);
        dominatedBy[q]++;
      } else if (dominates(b, a)) {
        beats[q].push(p);
        dominatedBy[p]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let p = 0; p < n; p++) if (dominatedBy[p] === 0) current.push(p);
  while (current.length) {
    fronts.push(current.map((p) => subset[p]).sort((a, b) => a - b));
    const next: number[] = [];
    for (const p of current) {
      for (const q of beats[p]) if (--dominatedBy[q] === 0) next.push(q);
    }
    current = next;
  }
  return fronts;
}

/** Rank (0 = best front) of every individual. */
export function frontRanks(fronts: number[][], n: number): Int32Array {
  const rank = new Int32Array(n).fill(-1);
  fronts.forEach((front, r) => front.forEach((i) => (rank[i] = r)));
  return rank;
}

/**
 * Indices of the non-dominated feasible individuals (empty when none is feasible).
 *
 * @example
 * paretoFrontIndices([[1, 2], [2, 1], [2, 2]]); // [0, 1]
 */
export function paretoFrontIndices(
  objectives: ObjectiveMatrix,
  options: SortOptions = {},
): number[] {
  const v = totalViolations(objectives, options.violations);
  const first = nonDominatedSort(objectives, options)[0] ?? [];
  return first.filter((i) => v[i] === 0);
}
