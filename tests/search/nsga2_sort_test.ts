import assert from "node:assert/strict";
import {
  constrainedDominates,
  dominates,
  totalViolations,
} from "../../src/search/nsga2/dominance.ts";
import {
  frontRanks,
  nonDominatedSort,
  paretoFrontIndices,
} from "../../src/search/nsga2/non_dominated_sort.ts";
import { Rng } from "../../src/util/rng.ts";

/** The definition: each front is what no remaining individual constraint-dominates. */
function plainSort(objectives: number[][], violations?: number[]): number[][] {
  const v = totalViolations(objectives, violations);
  let left = objectives.map((_, i) => i);
  const fronts: number[][] = [];
  while (left.length) {
    const front = left.filter((i) =>
      !left.some((j) => constrainedDominates(objectives[j], v[j], objectives[i], v[i]))
    );
    fronts.push(front);
    left = left.filter((i) => !front.includes(i));
  }
  return fronts;
}

Deno.test("dominance: minimisation, equal vectors do not dominate", () => {
  assert.ok(dominates([1, 2], [1, 3]));
  assert.ok(!dominates([1, 3], [1, 2]));
  assert.ok(!dominates([1, 2], [1, 2]));
  assert.ok(!dominates([1, 3], [2, 2]) && !dominates([2, 2], [1, 3]));
  assert.ok(constrainedDominates([9, 9], 0, [0, 0], 0.1), "feasible beats infeasible");
  assert.ok(constrainedDominates([9, 9], 0.1, [0, 0], 0.2), "less violation wins");
  assert.ok(!constrainedDominates([0, 0], 0.2, [9, 9], 0.2));
  assert.deepEqual(
    [...totalViolations([[1, 1], [Infinity, 1], [NaN, 0], [1, 1], [1, 1]], [0, 0, 0, -3, NaN])],
    [0, Infinity, Infinity, 0, Infinity],
  );
  assert.throws(() => totalViolations([[1]], [0, 0]), /Expected 1 constraint violations, found 2/);
});

Deno.test("a small known front with a duplicate", () => {
  const f = [[1, 2], [2, 1], [2, 2], [3, 3], [1, 2]];
  const fronts = nonDominatedSort(f);
  assert.deepEqual(fronts, [[0, 1, 4], [2], [3]]);
  assert.deepEqual([...frontRanks(fronts, 5)], [0, 0, 1, 2, 0]);
  assert.deepEqual(paretoFrontIndices(f), [0, 1, 4]);
  assert.deepEqual(nonDominatedSort([]), []);
});

Deno.test("constraints: feasible fronts first, then by violation, failed candidates last", () => {
  const f = [[5, 5], [0, 0], [1, 9], [Infinity, 0], [9, 1], [0, 1], [NaN, NaN], [6, 6]];
  const violations = [0, 2, 0, 0, 0, 0.5, 0, 0.5];
  assert.deepEqual(nonDominatedSort(f, { violations }), [[0, 2, 4], [5, 7], [1], [3, 6]]);
  assert.deepEqual(paretoFrontIndices(f, { violations }), [0, 2, 4]);
  assert.deepEqual(paretoFrontIndices([[1, 1]], { violations: [1] }), []);
});

Deno.test("fast sort equals the definition on random populations with ties and failures", () => {
  const rng = new Rng(4);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(40), m = 2 + rng.int(3), levels = 2 + rng.int(6);
    const f = Array.from(
      { length: n },
      () => Array.from({ length: m }, () => (rng.next() < 0.03 ? Infinity : rng.int(levels))),
    );
    const violations = trial % 2
      ? Array.from({ length: n }, () => (rng.next() < 0.6 ? 0 : rng.int(3) * 0.5))
      : undefined;
    const fast = nonDominatedSort(f, { violations });
    assert.deepEqual(fast, plainSort(f, violations), `trial ${trial}: ${JSON.stringify(f)}`);
    assert.equal(fast.flat().length, n);
  }
});
