import assert from "node:assert/strict";
import { errorMetrics, errorMetricsOf, exactProductTable } from "../../src/multipliers/metrics.ts";

function assertNear(actual: number, expected: number, label: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${label}: ${actual}, expected ${expected}`,
  );
}

Deno.test("metrics: hand-computed values on a four-entry table", () => {
  // exact 0, 2, 4, 10; approx 1, 2, 1, 12: e = +1, 0, -3, +2.
  const m = errorMetricsOf([1, 2, 1, 12], [0, 2, 4, 10], 100);
  assertNear(m.mae, (1 + 0 + 3 + 2) / 4, "MAE");
  assertNear(m.maePct, 1.5, "MAE%");
  assert.equal(m.wce, 3);
  assertNear(m.wcePct, 3, "WCE%");
  assertNear(m.mse, (1 + 0 + 9 + 4) / 4, "MSE");
  assertNear(m.ep, 3 / 4, "EP");
  assertNear(m.epPct, 75, "EP%");
  // Relative errors over nonzero exact values only: 0/2, 3/4, 2/10.
  assertNear(m.mre, (0 + 0.75 + 0.2) / 3, "MRE");
  assertNear(m.mrePct, (0.95 / 3) * 100, "MRE%");
});

Deno.test("metrics: an exact table has no error; a few changed products give hand values", () => {
  const exact = exactProductTable();
  assert.equal(exact[255 * 256 + 255], 65025);
  assert.deepEqual(Object.values(errorMetrics(exact.slice())), Array(9).fill(0));

  const t = exact.slice();
  t[3 * 256 + 5] = 14; // 15 -> 14: e = -1, relative 1/15
  t[200 * 256 + 100] = 20000 + 655; // e = +655, relative 655/20000
  t[0 * 256 + 7] = 2; // exact 0: counts in MAE and EP, not in MRE
  const m = errorMetrics(t);
  assertNear(m.mae, (1 + 655 + 2) / 65536, "MAE");
  assertNear(m.maePct, ((1 + 655 + 2) / 65536 / 65536) * 100, "MAE%");
  assert.equal(m.wce, 655);
  assertNear(m.wcePct, (655 / 65536) * 100, "WCE%");
  assertNear(m.mse, (1 + 655 ** 2 + 4) / 65536, "MSE");
  assertNear(m.ep, 3 / 65536, "EP");
  assertNear(m.mre, (1 / 15 + 655 / 20000) / (255 * 255), "MRE over the 65,025 nonzero products");
});

Deno.test("metrics: wrong sizes are refused", () => {
  assert.throws(
    () => errorMetrics(new Uint16Array(10)),
    /expected a table of 65,536 products, found 10/,
  );
  assert.throws(() => errorMetricsOf([1], [1, 2], 4), /1 results for 2 exact values/);
});
