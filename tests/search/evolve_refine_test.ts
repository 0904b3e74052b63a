// Re-choosing a retrained network's multiplier: cheapest first, the first within tolerance.
import assert from "node:assert/strict";
import { refineMultiplier } from "../../src/search/final/rechoose.ts";
import type { LabelledImages } from "../../src/data/cifar10/format.ts";

const library = [
  { name: "exact", energyPj: 1.0 },
  { name: "mid", energyPj: 0.6 },
  { name: "cheap", energyPj: 0.2 },
  { name: "mild", energyPj: 0.8 },
];
const validation: LabelledImages = {
  images: new Uint8Array(10 * 3072),
  labels: new Uint8Array(10),
};
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
    perLayer: false,
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
    perLayer: false,
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
    perLayer: false,
  });
  assert.deepEqual(r.multipliers, { conv1: "cheap", fc: "cheap" });
});

Deno.test("layer by layer, large layers take cheaper multipliers while the network stays within tolerance", async () => {
  // Accuracy = 0.8 minus a loss per layer and multiplier: conv1 (the big layer) absorbs
  // "mid" almost for free, fc does not; "cheap" costs too much anywhere; a tiny layer is
  // never tried.
  const loss: Record<string, Record<string, number>> = {
    conv1: { exact: 0, mild: 0.002, mid: 0.004, cheap: 0.2 },
    fc: { exact: 0, mild: 0.003, mid: 0.04, cheap: 0.2 },
    tiny: { exact: 0, mild: 0.001, mid: 0.001, cheap: 0.001 },
  };
  const asked: Record<string, string>[] = [];
  const quantized = {
    accuracy(m: Record<string, string>) {
      asked.push(m);
      let acc = 0.8;
      for (const node of Object.keys(loss)) acc -= loss[node][m[node] ?? "exact"];
      return Promise.resolve(acc);
    },
  };
  const r = await refineMultiplier({
    quantized,
    multsByNode: new Map([["conv1", 900], ["fc", 100], ["tiny", 5]]),
    library,
    validation,
    tolerance: 0.01,
  });
  // Uniform: "cheap" fails, "mid" fails (0.045 lost, but within 5 tolerances: screened in),
  // "mild" passes (0.006 lost). Then conv1 (most multiplications) tries "mid" (0.008 lost in
  // all): kept; fc tries "mid": fails; "cheap" is never tried per layer.
  assert.deepEqual(r.multipliers, { conv1: "mid", fc: "mild", tiny: "mild" });
  assert.deepEqual(
    r.trials.map((t) => [t.node ?? "all", t.name]),
    [["all", "cheap"], ["all", "mid"], ["all", "mild"], ["conv1", "mid"], ["fc", "mid"]],
  );
  assert.ok(Math.abs(r.validation.approx8 - (0.8 - 0.004 - 0.003 - 0.001)) < 1e-12);
  const energy = (900 * 0.6 + 100 * 0.8 + 5 * 0.8) / 1000;
  assert.ok(Math.abs(r.energyNj - energy) < 1e-12);
  assert.equal(asked.length, 1 + 3 + 2); // exact, three uniform, two per-layer
});
