/**
 * Exact hypervolume (minimisation): the volume dominated by a set of points and bounded by
 * a reference point. Two objectives: one sweep over the points sorted by the first objective.
 * Three or more: slicing along the last objective (HSO, "hypervolume by slicing objectives"),
 * each slab's area or volume computed one dimension lower, down to the 2-D sweep; O(n^2 log n)
 * for three objectives, plenty for populations of a few hundred.
 *
 * Points that do not strictly dominate the reference in every objective, and rows with a
 * non-finite value, add nothing and are ignored.
 */
import type { ObjectiveMatrix } from "./dominance.ts";

/**
 * @example
 * hypervolume([[0.5, 0.5]], [1, 1]); // 0.25
 * hypervolume([[0, 1], [1, 0]], [2, 2]); // 3
 */
export function hypervolume(points: ObjectiveMatrix, reference: ArrayLike<number>): number {
  const ref = Array.from(reference);
  const inside = contributing(points, ref);
  return inside.length ? slice(inside, ref, ref.length) : 0;
}

/** The rows that strictly dominate the reference, as plain arrays. */
export function contributing(points: ObjectiveMatrix, ref: readonly number[]): number[][] {
  const out: number[][] = [];
  for (const p of points) {
    if (p.length !== ref.length) {
      throw new Error(
        `hypervolume: a point has ${p.length} objectives, the reference ${ref.length}`,
      );
    }
    let ok = true;
    for (let m = 0; m < ref.length; m++) if (!(p[m] < ref[m])) ok = false; // NaN fails too
    if (ok) out.push(Array.from(p));
  }
  return out;
}

/** Volume in the first d objectives of points that all lie inside the reference box. */
function slice(points: number[][], ref: readonly number[], d: number): number {
  if (d === 1) return ref[0] - Math.min(...points.map((p) => p[0]));
  if (d === 2) return sweep2d(points, ref);
  const sorted = [...points].sort((a, b) => a[d - 1] - b[d - 1]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][d - 1] : ref[d - 1];
    const depth = top - sorted[i][d - 1];
    // The slab [z_i, z_{i+1}) is covered by the projections of the first i + 1 points.
    if (depth > 0) volume += depth * slice(sorted.slice(0, i + 1), ref, d - 1);
  }
  return volume;
}

/** Area dominated in the first two objectives: a staircase of non-dominated points. */
function sweep2d(points: number[][], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0, lowest = ref[1];
  for (const p of sorted) {
    if (p[1] >= lowest) continue; // dominated by an earlier point
    area += (ref[0] - p[0]) * (lowest - p[1]);
    lowest = p[1];
  }
  return area;
}
