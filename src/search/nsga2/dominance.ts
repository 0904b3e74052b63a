/**
 * Pareto dominance for minimisation, and Deb's constraint-domination: a feasible solution
 * beats an infeasible one, of two infeasible ones the smaller total violation wins, and two
 * feasible ones compare by Pareto dominance. A candidate whose objectives are not all finite
 * (a failed evaluation: Infinity or NaN) counts as infinitely infeasible, so it ranks last.
 */

/** A population's objectives: one row per individual, one column per objective. */
export type ObjectiveMatrix = ReadonlyArray<ArrayLike<number>>;

/** a is no worse than b everywhere and better somewhere. */
export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let better = false;
  for (let m = 0; m < a.length; m++) {
    if (a[m] > b[m]) return false;
    if (a[m] < b[m]) better = true;
  }
  return better;
}

/** True when every objective is a finite number. */
export function allFinite(row: ArrayLike<number>): boolean {
  for (let m = 0; m < row.length; m++) if (!Number.isFinite(row[m])) return false;
  return true;
}

/**
 * Total violation per individual: the given violations (0 = feasible; negative counts as 0),
 * Infinity for failed rows and NaN violations.
 *
 * @example
 * totalViolations([[0.1, 5], [Infinity, Infinity]], [0, 0]); // Float64Array [0, Infinity]
 */
export function totalViolations(
  objectives: ObjectiveMatrix,
  violations?: ArrayLike<number>,
): Float64Array {
  if (violations && violations.length !== objectives.length) {
    throw new Error(
      `Expected ${objectives.length} constraint violations, found ${violations.length}`,
    );
  }
  const out = new Float64Array(objectives.length);
  for (let i = 0; i < out.length; i++) {
    const v = violations ? violations[i] : 0;
    out[i] = !allFinite(objectives[i]) || Number.isNaN(v) ? Infinity : Math.max(v, 0);
  }
  return out;
}

/** Deb's constraint-domination of (a, violation va) over (b, vb). */
export function constrainedDominates(
  a: ArrayLike<number>,
  va: number,
  b: ArrayLike<number>,
  vb: number,
): boolean {
  if (va === 0 && vb === 0) return dominates(a, b);
  return va < vb;
}
