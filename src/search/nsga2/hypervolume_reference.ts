/**
 * Plain, slow hypervolumes to check the fast one against: counting the cells of the grid
 * spanned by every coordinate, and inclusion-exclusion over all subsets. Small sets only.
 */
import type { ObjectiveMatrix } from "./dominance.ts";
import { contributing } from "./hypervolume.ts";

/**
 * Every coordinate of every point cuts each axis; a grid cell is dominated exactly when some
 * point dominates its lower corner. Sums the dominated cells' volumes. O(n^d * n * d).
 */
export function hypervolumeByGrid(points: ObjectiveMatrix, reference: ArrayLike<number>): number {
  const ref = Array.from(reference);
  const inside = contributing(points, ref);
  if (!inside.length) return 0;
  const d = ref.length;
  const cuts = ref.map((r, m) =>
    [...new Set([...inside.map((p) => p[m]), r])].sort((a, b) => a - b)
  );
  const cell = new Array<number>(d).fill(0);
  let volume = 0;
  while (true) {
    const corner = cell.map((j, m) => cuts[m][j]);
    if (inside.some((p) => p.every((v, m) => v <= corner[m]))) {
      volume += cell.reduce((acc, j, m) => acc * (cuts[m][j + 1] - cuts[m][j]), 1);
    }
    let m = 0;
    while (m < d && ++cell[m] >= cuts[m].length - 1) cell[m++] = 0;
    if (m === d) return volume;
  }
}

/**
 * The union of the boxes [p, ref] by inclusion-exclusion: the sum over non-empty subsets S of
 * (-1)^(|S|+1) times the volume of the box [max over S, ref]. At most 20 points.
 */
export function hypervolumeByInclusionExclusion(
  points: ObjectiveMatrix,
  reference: ArrayLike<number>,
): number {
  const ref = Array.from(reference);
  const inside = contributing(points, ref);
  if (inside.length > 20) throw new Error("inclusion-exclusion: at most 20 points");
  let volume = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const corner = ref.map(() => -Infinity);
    let size = 0;
    inside.forEach((p, i) => {
      if (!(mask & (1 << i))) return;
      size++;
      p.forEach((v, m) => (corner[m] = Math.max(corner[m], v)));
    });
    const box = corner.reduce((acc, v, m) => acc * (ref[m] - v), 1);
    volume += size % 2 ? box : -box;
  }
  return volume;
}
