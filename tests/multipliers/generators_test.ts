import assert from "node:assert/strict";
import { CATALOGUE, EXACT_NAME } from "../../src/multipliers/catalogue.ts";
import { characterise } from "../../src/multipliers/characterise.ts";
import {
  brokenArray,
  droppedColumnsMean,
  drum,
  exactArray,
  mitchell,
  operandTruncation,
  orLower,
  perforated,
  truncated,
  truncationCompensation,
  underdesigned,
} from "../../src/multipliers/generators/families.ts";
import { cellCounts } from "../../src/multipliers/netlist.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { assertSameTable, keptProducts } from "./_netlists.ts";

// Formulas of each family, written independently of the netlists, to cross-check simulation.
const msb = (x: number) => 31 - Math.clz32(x);

function mitchellFormula(fractionBits: number) {
  const fraction = (x: number) =>
    (((x << (7 - msb(x))) & 127) >> (7 - fractionBits)) << (7 - fractionBits);
  return (a: number, b: number) => {
    if (a === 0 || b === 0) return 0;
    // log2(a) + log2(b) ~ ka + kb + fa + fb (fractions in 1/128), antilog by linear approximation.
    const k = msb(a) + msb(b), f = fraction(a) + fraction(b);
    const product = f < 128 ? (128 + f) * 2 ** k : f * 2 ** (k + 1);
    return Math.floor(product / 128);
  };
}

function drumFormula(k: number) {
  const segment = (x: number): [number, number] => {
    if (x < 2 ** k) return [x, 0];
    const shift = msb(x) - k + 1;
    return [(x >> shift) | 1, shift];
  };
  return (a: number, b: number) => {
    const [x, s] = segment(a), [y, t] = segment(b);
    return x * y * 2 ** (s + t);
  };
}

function udmFormula(a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const x = (a >> (2 * j)) & 3, y = (b >> (2 * i)) & 3;
      sum += (x === 3 && y === 3 ? 7 : x * y) * 4 ** (i + j);
    }
  }
  return sum;
}

function orLowerFormula(k: number) {
  return (a: number, b: number) => {
    let sum = 0;
    for (let w = 0; w < 15; w++) {
      let count = 0;
      for (let i = 0; i < 8; i++) {
        const j = w - i;
        if (j >= 0 && j < 8) count += ((a >> j) & 1) & ((b >> i) & 1);
      }
      sum += (w < k ? Math.min(count, 1) : count) * 2 ** w;
    }
    return sum;
  };
}

Deno.test("exact array multiplier: 64 AND2, 48 FA, 8 HA and exact products", () => {
  const n = exactArray();
  assert.deepEqual(cellCounts(n), { AND2: 64, HA: 8, FA: 48 });
  assertSameTable(simulateTable(n), (a, b) => a * b, "exact");
});

Deno.test("families: simulated tables equal each family's formula", () => {
  const cases: [string, ReturnType<typeof exactArray>, (a: number, b: number) => number][] = [
    ["trunc 5", truncated(5), keptProducts((i, j) => i + j >= 5)],
    [
      "trunc 9 compensated",
      truncated(9, true),
      keptProducts((i, j) => i + j >= 9, truncationCompensation(9)),
    ],
    ["bam h2 v7", brokenArray(2, 7), keptProducts((i, j) => i >= 2 && i + j >= 7)],
    ["operand truncation a3 b1", operandTruncation(3, 1), keptProducts((i, j) => j >= 3 && i >= 1)],
    ["perforation j2 k3", perforated(2, 3), keptProducts((i) => i < 2 || i >= 5)],
    ["or-lower 7", orLower(7), orLowerFormula(7)],
    ["udm", underdesigned(), udmFormula],
    ["mitchell", mitchell(), mitchellFormula(7)],
    ["mitchell 3-bit fractions", mitchell(3), mitchellFormula(3)],
    ["drum 3", drum(3), drumFormula(3)],
    ["drum 5", drum(5), drumFormula(5)],
  ];
  for (const [label, netlist, formula] of cases) {
    assertSameTable(simulateTable(netlist), formula, label);
  }
});

Deno.test("truncation: mean error is minus the dropped columns' mean; compensation cancels most of it", () => {
  for (const k of [3, 6, 10]) {
    const plain = characterise(truncated(k));
    const mean = (t: Uint16Array) => {
      let s = 0;
      for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) s += t[a * 256 + b] - a * b;
      return s / 65536;
    };
    assert.ok(Math.abs(mean(plain.table) + droppedColumnsMean(k)) < 1e-9, `trunc ${k}`);
    assert.equal(
      plain.metrics.mae,
      droppedColumnsMean(k),
      `trunc ${k}: errors all negative, MAE = mean`,
    );
    const compensated = characterise(truncated(k, true));
    const bias = mean(compensated.table);
    assert.ok(Math.abs(bias) <= 2 ** (k - 1), `trunc ${k}c: bias ${bias} within half a kept LSB`);
    assert.equal(truncationCompensation(k) % 2 ** k, 0, "the constant sits in the kept columns");
  }
  assert.equal(droppedColumnsMean(2), (1 + 2 * 2) / 4);
});

Deno.test("catalogue: 30+ uniquely named, distinct circuits from exact to 90%+ power saving", () => {
  assert.ok(CATALOGUE.length >= 30, `${CATALOGUE.length} circuits`);
  assert.equal(CATALOGUE[0].name, EXACT_NAME);
  const names = new Set<string>();
  const tables = new Map<string, string>();
  let lowest = Infinity;
  for (const entry of CATALOGUE) {
    assert.match(entry.name, /^mul8(x[2-7])?[us]_[a-z0-9_]+$/, entry.name);
    assert.ok(!names.has(entry.name), `duplicate name ${entry.name}`);
    names.add(entry.name);
    assert.ok(entry.note.length > 10 && !entry.note.includes("\n"), `${entry.name}: one-line note`);
    const c = characterise(entry.build());
    const key = Array.from(c.table.subarray(0, 65536)).join(",");
    assert.ok(!tables.has(key), `${entry.name} computes the same table as ${tables.get(key)}`);
    tables.set(key, entry.name);
    if (entry.family === "exact") assert.equal(c.metrics.ep, 0, entry.name);
    else assert.ok(c.metrics.ep > 0, `${entry.name} is approximate`);
    lowest = Math.min(lowest, c.relativePower);
  }
  assert.ok(lowest <= 0.1, `lowest relative power ${lowest}`);
});
