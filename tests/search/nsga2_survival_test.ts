import assert from "node:assert/strict";
import { rankAndCrowding, survive } from "../../src/search/nsga2/survival.ts";

Deno.test("survival keeps whole fronts, then the least crowded of the next", () => {
  const f = [
    [0, 3],
    [1, 1],
    [3, 0], // front 0
    [1, 4],
    [2, 3.5],
    [3, 3],
    [4, 1], // front 1: extremes [1, 4] and [4, 1]
    [5, 5], // front 2
  ];
  const s = survive(f, 5);
  assert.deepEqual(new Set(s.indices.slice(0, 3)), new Set([0, 1, 2]));
  assert.deepEqual(new Set(s.indices.slice(3)), new Set([3, 6]));
  assert.deepEqual(s.rank, [0, 0, 0, 1, 1]);
  assert.deepEqual(s.crowding.slice(3), [Infinity, Infinity]);
  const all = rankAndCrowding(f);
  assert.deepEqual(s.crowding, s.indices.map((i) => all.crowding[i]));
  assert.deepEqual([...all.rank], [0, 0, 0, 1, 1, 1, 1, 2]);
  // Within front 1's middle, the larger crowding distance comes first.
  const middle = all.order.slice(5, 7);
  assert.ok(all.crowding[middle[0]] >= all.crowding[middle[1]]);
  assert.deepEqual(survive(f, 8).indices.length, 8);
  assert.deepEqual(survive(f, 20).indices.length, 8);
  assert.deepEqual(survive(f, 0).indices, []);
  assert.throws(() => survive(f, -1), /mu must be >= 0/);
});

Deno.test("on exact ties the offspring (placed after the parents, or newer by birth) wins", () => {
  // One parent, one offspring with the same objectives, room for one.
  assert.deepEqual(survive([[1, 1], [1, 1]], 1).indices, [1]);
  assert.deepEqual(survive([[1, 1], [1, 1]], 1, { birth: [7, 3] }).indices, [0]);
  // A duplicate of a parent does not push out a distinct solution, and it replaces its twin.
  assert.deepEqual(new Set(survive([[0, 1], [1, 0], [0, 1]], 2).indices), new Set([1, 2]));
  // Two failed candidates and no room for both: the newer one.
  assert.deepEqual(survive([[0, 0], [Infinity, 1], [Infinity, 2]], 2).indices, [0, 2]);
});

Deno.test("constraint handling: feasible before infeasible, less violation first, failures last", () => {
  const f = [[9, 9], [0, 0], [1, 1], [NaN, 0], [2, 2]];
  const violations = [0, 3, 1, 0, 1];
  const s = survive(f, 5, { violations });
  assert.equal(s.indices[0], 0, "the only feasible one, though dominated by all");
  assert.deepEqual(new Set(s.indices.slice(1, 3)), new Set([2, 4]));
  assert.deepEqual(s.indices.slice(3), [1, 3]);
  assert.deepEqual(s.rank, [0, 1, 1, 2, 3]);
  // Equal violations tie (both boundary points of their front): the newer one goes first.
  assert.deepEqual(survive(f, 2, { violations }).indices, [0, 4]);
});
