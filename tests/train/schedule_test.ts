import assert from "node:assert/strict";
import {
  constantLr,
  cosineLr,
  type LrSchedule,
  makeSchedule,
  oneCycleLr,
} from "../../src/train/schedule.ts";

function curve(schedule: LrSchedule, total: number): number[] {
  return Array.from({ length: total }, (_, step) => schedule(step, total));
}

function assertClose(actual: number, expected: number, label: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${label}: ${actual}, expected ${expected}`,
  );
}

/** Strictly increasing on [from, to] (inclusive indices). */
function assertRising(values: number[], from: number, to: number, label: string): void {
  for (let i = from + 1; i <= to; i++) {
    assert.ok(values[i] > values[i - 1], `${label}: step ${i} (${values[i]}) <= step ${i - 1}`);
  }
}

function assertFalling(values: number[], from: number, to: number, label: string): void {
  for (let i = from + 1; i <= to; i++) {
    assert.ok(values[i] < values[i - 1], `${label}: step ${i} (${values[i]}) >= step ${i - 1}`);
  }
}

Deno.test("one-cycle: starts at maxLr/25, peaks at round(0.3 T), ends at maxLr/(25*1e4)", () => {
  for (const total of [10, 391, 3910]) {
    for (const warmup of ["linear", "cos"] as const) {
      const label = `T=${total} ${warmup}`;
      const lr = curve((s, t) => oneCycleLr(s, t, { maxLr: 0.2, warmup }), total);
      const peak = Math.round(0.3 * total);
      assertClose(lr[0], 0.2 / 25, `${label} first`);
      assertClose(lr[total - 1], 0.2 / 25 / 1e4, `${label} last`);
      assertClose(lr[peak], 0.2, `${label} peak`);
      assert.equal(lr.indexOf(Math.max(...lr)), peak, `${label} argmax`);
      assertRising(lr, 0, peak, label);
      assertFalling(lr, peak, total - 1, label);
    }
  }
});

Deno.test("one-cycle: linear warm-up has equal increments; cos warm-up starts slower", () => {
  const total = 100, peak = 30;
  const linear = curve((s, t) => oneCycleLr(s, t, { maxLr: 1 }), total);
  const cos = curve((s, t) => oneCycleLr(s, t, { maxLr: 1, warmup: "cos" }), total);
  const increment = (1 - 1 / 25) / peak;
  for (let s = 1; s <= peak; s++) assertClose(linear[s] - linear[s - 1], increment, `step ${s}`);
  assert.ok(cos[peak / 3] < linear[peak / 3]);
  assertClose(cos[peak / 2], linear[peak / 2], "half-way");
  // The annealing phase does not depend on the warm-up shape.
  for (let s = peak; s < total; s++) assert.equal(cos[s], linear[s], `step ${s}`);
});

Deno.test("one-cycle: annealing is half a cosine, at its middle half-way between peak and end", () => {
  const total = 102, peak = 31; // steps 31..101 anneal: the middle is step 66
  const lr = curve((s, t) => oneCycleLr(s, t, { maxLr: 2, pctStart: peak / total }), total);
  const end = 2 / 25 / 1e4;
  assertClose(lr[peak + 35], (2 + end) / 2, "middle");
  assert.ok(lr[peak + 10] - end > 2 * (lr[peak + 60] - end), "concave then convex");
});

Deno.test("one-cycle: pctStart, div and finalDiv move the endpoints and the peak", () => {
  const options = { maxLr: 0.5, pctStart: 0.25, div: 10, finalDiv: 100 };
  const lr = curve((s, t) => oneCycleLr(s, t, options), 40);
  assertClose(lr[0], 0.05, "first");
  assertClose(lr[10], 0.5, "peak");
  assertClose(lr[39], 0.0005, "last");
  assertRising(lr, 0, 10, "warm-up");
  assertFalling(lr, 10, 39, "annealing");
});

Deno.test("one-cycle: degenerate lengths stay finite", () => {
  assert.deepEqual(curve((s, t) => oneCycleLr(s, t, { maxLr: 1 }), 1), [1]);
  // With two steps the peak takes the last step: it is never skipped.
  const two = curve((s, t) => oneCycleLr(s, t, { maxLr: 1 }), 2);
  assertClose(two[0], 1 / 25, "T=2 first");
  assertClose(two[1], 1, "T=2 last");
  const none = curve((s, t) => oneCycleLr(s, t, { maxLr: 1, pctStart: 0 }), 5);
  assertClose(none[0], 1, "pctStart 0 starts at the peak");
  assertFalling(none, 0, 4, "pctStart 0");
});

Deno.test("cosine: from baseLr at step 0 to minLr at the end, falling throughout", () => {
  const lr = curve((s, t) => cosineLr(s, t, { baseLr: 0.1, minLr: 0.001 }), 51);
  assertClose(lr[0], 0.1, "first");
  assertClose(lr[25], (0.1 + 0.001) / 2, "middle");
  assertClose(lr[50], 0.001, "last");
  assertFalling(lr, 0, 50, "cosine");
  assertClose(cosineLr(50, 51, { baseLr: 0.1 }), 0, "minLr defaults to 0");
});

Deno.test("cosine with warm-up: linear from warmupStartLr to baseLr, peak at warmupSteps", () => {
  const lr = curve((s, t) => cosineLr(s, t, { baseLr: 0.4, warmupSteps: 8 }), 40);
  assert.equal(lr[0], 0);
  for (let s = 0; s <= 8; s++) assertClose(lr[s], 0.4 * s / 8, `warm-up step ${s}`);
  assert.equal(lr.indexOf(Math.max(...lr)), 8);
  assertFalling(lr, 8, 39, "annealing");
  assertClose(lr[39], 0, "last");
  const fromBase = cosineLr(0, 40, { baseLr: 0.4, warmupSteps: 8, warmupStartLr: 0.04 });
  assertClose(fromBase, 0.04, "warmupStartLr");
});

Deno.test("constant: the same rate at every step", () => {
  const lr = curve((s, t) => constantLr(s, t, 0.03), 7);
  assert.deepEqual(lr, Array(7).fill(0.03));
});

Deno.test("makeSchedule binds the settings of each kind", () => {
  const total = 23;
  assert.deepEqual(
    curve(makeSchedule({ kind: "oneCycle", maxLr: 0.2, div: 5 }), total),
    curve((s, t) => oneCycleLr(s, t, { maxLr: 0.2, div: 5 }), total),
  );
  assert.deepEqual(
    curve(makeSchedule({ kind: "cosine", baseLr: 0.1, warmupSteps: 3 }), total),
    curve((s, t) => cosineLr(s, t, { baseLr: 0.1, warmupSteps: 3 }), total),
  );
  assert.deepEqual(curve(makeSchedule({ kind: "constant", lr: 0.7 }), 3), [0.7, 0.7, 0.7]);
});

Deno.test("steps outside [0, totalSteps) and bad settings are refused, with the value found", () => {
  assert.throws(() => oneCycleLr(10, 10, { maxLr: 1 }), /step must be .* \[0, 9\]: found 10/);
  assert.throws(() => oneCycleLr(-1, 10, { maxLr: 1 }), /found -1/);
  assert.throws(() => cosineLr(0.5, 10, { baseLr: 1 }), /found 0.5/);
  assert.throws(() => constantLr(0, 0, 1), /totalSteps must be a positive integer: found 0/);
  assert.throws(() => oneCycleLr(0, 10, { maxLr: 1, pctStart: 1.5 }), /pctStart .* found 1.5/);
  assert.throws(() => cosineLr(0, 10, { baseLr: 1, warmupSteps: 10 }), /warmupSteps .* found 10/);
});
