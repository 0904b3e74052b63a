// Re-choosing a retrained network's multiplier: cheapest first, the first within tolerance.
import assert from "node:assert/strict";
import { refineMultiplier } from "../../src/search/evolve_refine.ts";
import type { Dataset } from "../../src/train/replica.ts";

const library = [
  { name: "exact", energyPj: 1.0 },
  { name: "mid", energyPj: 0.6 },
  { name: "cheap", energyPj: 0.2 },
  { name: "mild", energyPj: 0.8 },
];
const validation: Dataset = { images: new Uint8Array(10 * 3072), labels: new Uint8Array(10) };
const multsByNode = new Map([["conv1", 300], ["fc", 100]]);

/** A stand-in 8-bit network whose accuracy per (uniform) multiplier is given. */
function fake(acc: Record<string, number>) {
  const asked: string[] = [];
  return {
    asked,
    quantized: {
      accuracy(m: Record<string, string>) {
        const names = [...new Set(Object.values(m))];
        const name = names.length ? names[0] : "exact";
        asked.push(name);
        return Promise.resolve(acc[name]);
      },
    },
  };
}

Deno.test("the cheapest multiplier within the tolerance is chosen, trying cheapest first", async () => {
  const f = fake({ exact: 0.8, cheap: 0.5, mid: 0.795, mild: 0.8 });
  const r = await refineMultiplier({
    quantized: f.quantized,
    multsByNode,
    library,
    validation,
    tolerance: 0.01,
  });
  assert.deepEqual(r.multipliers, { conv1: "mid", fc: "mid" });
  assert.ok(Math.abs(r.energyNj - (400 * 0.6) / 1000) < 1e-12);
  assert.deepEqual(r.trials.map((t) => t.name), ["cheap", "mid"]);
  assert.deepEqual(f.asked, ["exact", "cheap", "mid"]); // "mild" never measured
  assert.equal(r.validation.exact8, 0.8);
  assert.equal(r.validation.approx8, 0.795);
  assert.equal(r.validation.images, 10);
});

Deno.test("with no approximate multiplier within the tolerance, exact is kept", async () => {
  const f = fake({ exact: 0.8, cheap: 0.5, mid: 0.7, mild: 0.78 });
  const r = await refineMultiplier({
    quantized: f.quantized,
    multsByNode,
    library,
    validation,
    tolerance: 0.01,
  });
  assert.deepEqual(r.multipliers, { conv1: "exact", fc: "exact" });
  assert.equal(r.validation.approx8, 0.8);
  assert.deepEqual(r.trials.map((t) => t.name), ["cheap", "mid", "mild"]);
  assert.ok(Math.abs(r.energyNj - 0.4) < 1e-12);
});

Deno.test("a zero tolerance demands no loss at all", async () => {
  const f = fake({ exact: 0.8, cheap: 0.81, mid: 0.79, mild: 0.8 });
  const r = await refineMultiplier({
    quantized: f.quantized,
    multsByNode,
    library,
    validation,
    tolerance: 0,
  });
  assert.deepEqual(r.multipliers, { conv1: "cheap", fc: "cheap" });
});
