import assert from "node:assert/strict";
import { crowdingDistance } from "../../src/search/nsga2/crowding.ts";
import { binaryTournament } from "../../src/search/nsga2/tournament.ts";
import { Rng } from "../../src/util/rng.ts";

Deno.test("crowding: extremes get Infinity, inner points the normalised neighbour gaps", () => {
  assert.deepEqual([...crowdingDistance([[0, 2], [1, 1], [2, 0]], [0, 1, 2])], [
    Infinity,
    2,
    Infinity,
  ]);
  // f1 = 0, 1, 2, 6, 10 and f2 = 10, 7, 5, 2, 0: both ranges are 10.
  const f = [[6, 2], [0, 10], [2, 5], [10, 0], [1, 7]];
  const front = [4, 0, 3, 1, 2]; // any order: results align with it
  const d = crowdingDistance(f, front);
  const expected = {
    4: (2 - 0) / 10 + (10 - 5) / 10,
    0: (10 - 2) / 10 + (5 - 0) / 10,
    3: Infinity,
    1: Infinity,
    2: (6 - 1) / 10 + (7 - 2) / 10,
  } as Record<number, number>;
  front.forEach((i, j) =>
    assert.ok(Math.abs(d[j] - expected[i]) < 1e-12 || d[j] === expected[i], `${i}`)
  );
});

Deno.test("crowding: three objectives, one constant, tiny fronts, failed rows", () => {
  // The constant objective comes first, so its sort order (by index) would mark 0 and 4.
  const f = [[1, 1, 5], [1, 0, 4], [1, 4, 0], [1, 2, 3], [1, 3, 2]];
  const d = crowdingDistance(f, [0, 1, 2, 3, 4]);
  // f2 extremes: 1 (0) and 2 (4); f3 extremes: 2 (0) and 0 (5). Ranges 4 and 5.
  assert.deepEqual([d[0], d[1], d[2]], [Infinity, Infinity, Infinity]);
  assert.ok(Math.abs(d[3] - ((3 - 1) / 4 + (4 - 2) / 5)) < 1e-12, `${d[3]}`);
  assert.ok(Math.abs(d[4] - ((4 - 2) / 4 + (3 - 0) / 5)) < 1e-12, `${d[4]}`);
  assert.deepEqual([...crowdingDistance([[1, 2], [2, 1]], [0, 1])], [Infinity, Infinity]);
  assert.deepEqual([...crowdingDistance([[1, 2]], [0])], [Infinity]);
  assert.deepEqual(
    [...crowdingDistance([[Infinity, 1], [1, NaN], [0, 0]], [0, 1, 2])],
    [0, 0, Infinity],
  );
  assert.deepEqual([...crowdingDistance([], [])], []);
});

Deno.test("crowding: of exact duplicates only the newest copy counts", () => {
  const f = [[0, 4], [1, 2], [4, 0], [1, 2], [2, 1]];
  const byIndex = crowdingDistance(f, [0, 1, 2, 3, 4]);
  const alone = crowdingDistance([[0, 4], [1, 2], [4, 0], [2, 1]], [0, 1, 2, 3]);
  assert.equal(byIndex[1], 0, "the older copy");
  assert.equal(byIndex[3], alone[1], "the newer copy carries the duplicate-free distance");
  const byBirth = crowdingDistance(f, [0, 1, 2, 3, 4], { birth: [0, 9, 0, 1, 0] });
  assert.deepEqual([byBirth[1], byBirth[3]], [alone[1], 0]);
  // A front of copies: one survives as a boundary point.
  assert.deepEqual([...crowdingDistance([[1, 1], [1, 1], [1, 1]], [0, 1, 2])], [0, 0, Infinity]);
});

Deno.test("binary tournament: lower rank wins, then larger crowding, then a fair coin", () => {
  const rng = new Rng(3);
  assert.ok(binaryTournament(rng, [1, 0], [5, 0], 200).every((w) => w === 1));
  assert.ok(binaryTournament(rng, [0, 0], [1, Infinity], 200).every((w) => w === 1));
  const coin = binaryTournament(rng, [0, 0], [1, 1], 4000);
  const ones = coin.filter((w) => w === 1).length;
  assert.ok(Math.abs(ones - 2000) < 150, `${ones} of 4000`);
  // Strictly ordered individuals: i wins when drawn with a worse one, 2 (n-1-i) / (n (n-1)).
  const n = 5, draws = 40000;
  const wins = new Array(n).fill(0);
  for (const w of binaryTournament(rng, [0, 1, 2, 3, 4], [0, 0, 0, 0, 0], draws)) wins[w]++;
  wins.forEach((c, i) => {
    const p = (2 * (n - 1 - i)) / (n * (n - 1));
    assert.ok(Math.abs(c / draws - p) < 0.01, `individual ${i}: ${c / draws} vs ${p}`);
  });
  assert.deepEqual(binaryTournament(rng, [0], [0], 3), [0, 0, 0]);
  assert.throws(() => binaryTournament(rng, [0, 1], [0], 1), /2 ranks and 1 crowding/);
});
