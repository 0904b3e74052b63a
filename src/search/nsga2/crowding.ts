/**
 * Crowding distance within one front: for every objective, the normalised gap between an
 * individual's two neighbours, summed; the extremes of every objective get Infinity.
 *
 * Exact duplicates (equal objective vectors) count once: the newest copy (largest birth,
 * then largest index) carries the distance and the older copies get 0, so duplicates do not
 * crowd out distinct solutions and, on an exact tie, the offspring survives over its parent.
 * Rows with a non-finite objective (failed candidates) get 0. An objective equal on the whole
 * front adds nothing.
 */
import { allFinite, type ObjectiveMatrix } from "./dominance.ts";

export interface CrowdingOptions {
  /** Larger = newer; default: the index (offspring placed after parents are newer). */
  birth?: ArrayLike<number>;
}

/**
 * Distances aligned with `front`.
 *
 * @example
 * crowdingDistance([[0, 2], [1, 1], [2, 0]], [0, 1, 2]); // [Infinity, 2, Infinity]
 */
export function crowdingDistance(
  objectives: ObjectiveMatrix,
  front: readonly number[],
  { birth }: CrowdingOptions = {},
): Float64Array {
  const distance = new Float64Array(front.length);
  const newer = (a: number, b: number) => {
    const ba = birth ? birth[front[a]] : front[a], bb = birth ? birth[front[b]] : front[b];
    return ba !== bb ? ba > bb : front[a] > front[b];
  };
  // One representative (the newest) per distinct finite vector.
  const representative = new Map<string, number>();
  for (let i = 0; i < front.length; i++) {
    const row = objectives[front[i]];
    if (!allFinite(row)) continue;
    const key = Array.from(row).join(",");
    const r = representative.get(key);
    if (r === undefined || newer(i, r)) representative.set(key, i);
  }
  const reps = [...representative.values()].sort((a, b) => front[a] - front[b]);
  if (reps.length === 0) return distance;
  if (reps.length <= 2) {
    for (const i of reps) distance[i] = Infinity;
    return distance;
  }
  const m = objectives[front[reps[0]]].length;
  for (let k = 0; k < m; k++) {
    const value = (i: number) => objectives[front[i]][k];
    const order = [...reps].sort((a, b) => value(a) - value(b) || front[a] - front[b]);
    const lo = value(order[0]), hi = value(order[order.length - 1]);
    if (hi === lo) continue; // a constant objective separates nothing, extremes included
    distance[order[0]] = Infinity;
    distance[order[order.length - 1]] = Infinity;
    for (let j = 1; j < order.length - 1; j++) {
      distance[order[j]] += (value(order[j + 1]) - value(order[j - 1])) / (hi - lo);
    }
  }
  return distance;
}
