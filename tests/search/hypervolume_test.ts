import assert from "node:assert/strict";
import { hypervolume } from "../../src/search/nsga2/hypervolume.ts";
import {
  hypervolumeByGrid,
  hypervolumeByInclusionExclusion,
} from "../../src/search/nsga2/hypervolume_reference.ts";
import { normalizedHypervolume, normalizeObjectives } from "../../src/search/nsga2/normalize.ts";
import { Rng } from "../../src/util/rng.ts";

const close = (a: number, b: number, label: string, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${label}: ${a} vs ${b}`);

Deno.test("hypervolume of small known sets in 1, 2 and 3 objectives", () => {
  close(hypervolume([[0.25]], [1]), 0.75, "1-D");
  close(hypervolume([[0.5, 0.5]], [1, 1]), 0.25, "one box");
  close(hypervolume([[0, 1], [1, 0]], [2, 2]), 2 * 1 + 1 * 2 - 1 * 1, "two boxes");
  // Staircase [1,3], [2,2], [3,1] under (4,4): columns of height 1, 2, 3.
  close(hypervolume([[3, 1], [1, 3], [2, 2]], [4, 4]), 1 + 2 + 3, "staircase");
  close(hypervolume([[0, 0, 0]], [1, 2, 3]), 6, "3-D box");
  // (0,0,1) and (1,1,0) under (2,2,2): 4 + 2 - the shared cube [1,2]^3.
  close(hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2]), 4 + 2 - 1, "two 3-D boxes");
  assert.equal(hypervolume([], [1, 1]), 0);
});

Deno.test("points outside the reference box, failed rows, dominated points and copies add nothing", () => {
  const base = [[0.2, 0.6], [0.5, 0.3]];
  const hv = hypervolume(base, [1, 1]);
  const extra = [
    [1, 0.1], // on the reference boundary: zero width
    [1.5, 0], // beyond it
    [Infinity, 0],
    [NaN, 0.1],
    [0.6, 0.7], // dominated
    [0.5, 0.3], // a copy
  ];
  assert.equal(hypervolume([...extra, ...base], [1, 1]), hv);
  assert.equal(hypervolume([[2, 2]], [1, 1]), 0);
  assert.throws(() => hypervolume([[1, 2, 3]], [4, 4]), /3 objectives, the reference 2/);
});

Deno.test("fast hypervolume equals grid counting and inclusion-exclusion on random sets", () => {
  const rng = new Rng(12);
  for (let trial = 0; trial < 300; trial++) {
    const d = 2 + (trial % 3), n = 1 + rng.int(10);
    // Half the trials on a coarse lattice, for ties in every coordinate.
    const value = () => (trial % 2 ? rng.int(5) / 4 : rng.next());
    const points = Array.from({ length: n }, () => Array.from({ length: d }, value));
    const ref = Array.from({ length: d }, () => 1 + 0.2 * rng.next());
    const fast = hypervolume(points, ref);
    const label = `trial ${trial}, ${JSON.stringify(points)} ref ${ref}`;
    close(fast, hypervolumeByGrid(points, ref), `${label} (grid)`);
    close(fast, hypervolumeByInclusionExclusion(points, ref), `${label} (inclusion-exclusion)`);
    close(hypervolume(rng.shuffle([...points]), ref), fast, `${label} (shuffled)`);
  }
});

Deno.test("a 3-objective front of 40 points: slicing equals grid counting", () => {
  const rng = new Rng(5);
  // Points on the sphere octant x^2 + y^2 + z^2 = 1: mutually non-dominated.
  const points = Array.from({ length: 40 }, () => {
    const v = [rng.next(), rng.next(), rng.next()].map((x) => x + 1e-3);
    const r = Math.hypot(...v);
    return v.map((x) => x / r);
  });
  close(hypervolume(points, [1.1, 1.1, 1.1]), hypervolumeByGrid(points, [1.1, 1.1, 1.1]), "sphere");
});

Deno.test("normalisation maps [lower, upper] to [0, 1]; the hypervolume scales with it", () => {
  const f = [[0.2, 5000, 3e6], [0.1, 20000, 1e6]];
  const lower = [0, 0, 0], upper = [1, 1e5, 1e7];
  const n = normalizeObjectives(f, lower, upper);
  assert.deepEqual(n.map((row) => row.map((v) => +v.toFixed(12))), [[0.2, 0.05, 0.3], [
    0.1,
    0.2,
    0.1,
  ]]);
  // In raw units the same set against the reference mapped back, divided by the box volume.
  const ref = [1.1, 1.1, 1.1];
  const rawRef = ref.map((r, m) => lower[m] + r * (upper[m] - lower[m]));
  const volume = upper.reduce((acc, u, m) => acc * (u - lower[m]), 1);
  close(
    normalizedHypervolume(f, { lower, upper, reference: ref }),
    hypervolume(f, rawRef) / volume,
    "scaled",
  );
  close(
    normalizedHypervolume(f, { lower, upper }),
    hypervolume(n, [1, 1, 1]),
    "default reference 1",
  );
  assert.throws(
    () => normalizeObjectives(f, [0, 0, 0], [1, 0, 1]),
    /objective 1 needs upper > lower/,
  );
  assert.throws(
    () => normalizeObjectives([[1, 2]], [0, 0, 0], [1, 1, 1]),
    /a row has 2 objectives/,
  );
});
