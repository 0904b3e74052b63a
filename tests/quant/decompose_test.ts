/**
 * Detection of low-rank forms of product tables (positive and negative cases), their
 * verification, and how the dot path packs them into streams.
 */
import assert from "node:assert/strict";
import {
  decomposeTable,
  type TableDecomposition,
  verifyDecomposition,
} from "../../src/quant/decompose.ts";
import { integerCombination, kernelTable, packDotLayer } from "../../src/quant/pack.ts";
import { Rng } from "../../src/util/rng.ts";
import { randomConvStep } from "./_steps.ts";
import {
  exactTable,
  operandTruncationTable,
  partialProductTable,
  randomErrorTable,
  randomPerforatedTable,
  roundedProductTable,
  truncatedTable,
} from "./_tables.ts";

function mustDecompose(table: Uint16Array, what: string, maxTerms = 8): TableDecomposition {
  const d = decomposeTable(table, { maxTerms });
  assert.ok(d, `${what}: expected a decomposition`);
  assert.ok(verifyDecomposition(table, d), `${what}: decomposition does not verify`);
  return d;
}

Deno.test("the exact table is one term, f(a) = a and g(b) = b", () => {
  const d = mustDecompose(exactTable(), "exact");
  assert.equal(d.terms.length, 1);
  assert.ok(d.u.every((x) => x === 0) && d.v.every((x) => x === 0));
  const { f, g } = d.terms[0];
  for (let x = 0; x < 256; x++) assert.equal(f[x] * g[1] * f[1] * g[x], x * x, `at ${x}`);
});

Deno.test("partial-product designs decompose with at most 8 terms", () => {
  for (let k = 1; k <= 12; k++) {
    const d = mustDecompose(truncatedTable(k), `truncated ${k}`);
    assert.ok(d.terms.length <= 8, `truncated ${k}: ${d.terms.length} terms`);
  }
  for (let seed = 1; seed <= 4; seed++) {
    mustDecompose(randomPerforatedTable(seed, 4 + 5 * seed), `perforated seed ${seed}`);
  }
  // Broken array: a vertical and a horizontal cut.
  mustDecompose(partialProductTable((i, j) => i + j >= 6 && j >= 2), "broken array");
});

Deno.test("a constant compensation becomes v; operand truncation is rank 1", () => {
  const d = mustDecompose(truncatedTable(6, 33), "truncated 6 + 33");
  assert.ok(d.v.every((x) => x === 33), "v holds the constant");
  const ot = mustDecompose(operandTruncationTable(3, 2), "operand truncation 3,2");
  assert.equal(ot.terms.length, 1);
  // A non-bilinear design of moderate rank is found too.
  mustDecompose(roundedProductTable(4), "rounded product", 16);
});

Deno.test("tables without a low-rank form, or beyond the limit, give null", () => {
  assert.equal(decomposeTable(randomErrorTable(3, 2)), null, "random errors");
  assert.equal(decomposeTable(truncatedTable(7), { maxTerms: 3 }), null, "rank 8 with limit 3");
  assert.equal(decomposeTable(roundedProductTable(4)), null, "rounded product, limit 8");
  assert.throws(() => decomposeTable(new Uint16Array(100)), /65536 entries, found 100/);
});

Deno.test("verification rejects a decomposition that is wrong in one entry", () => {
  const table = truncatedTable(4);
  const d = mustDecompose(table, "truncated 4");
  d.terms[1].f[77] += 1;
  assert.equal(verifyDecomposition(table, d), false);
});

Deno.test("integer combinations: a from the bit coordinates, none for a missing bit", () => {
  const bits = Array.from(
    { length: 8 },
    (_, i) => Int16Array.from({ length: 256 }, (_, a) => (a >> i) & 1),
  );
  const identity = Int16Array.from({ length: 256 }, (_, a) => a);
  assert.deepEqual(integerCombination(bits, identity), [1, 2, 4, 8, 16, 32, 64, 128]);
  assert.equal(integerCombination(bits.slice(1), identity), null);
});

Deno.test("dot streams: the zero-point term folds into f = a or becomes a window sum", () => {
  const rng = new Rng(4);
  const step = randomConvStep(
    rng,
    { n: 1, h: 4, w: 4, c: 5, k: 6, kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1] },
    false,
  );
  const exact = packDotLayer(step, mustDecompose(exactTable(), "exact"))!;
  assert.deepEqual([exact.streams.length, exact.asum, exact.streams[0].lut], [1, false, null]);
  const ot = packDotLayer(step, mustDecompose(operandTruncationTable(2, 2), "ot"))!;
  assert.deepEqual([ot.streams.length, ot.asum], [1, true]);
  const trunc = packDotLayer(step, mustDecompose(truncatedTable(3), "truncated 3"))!;
  assert.equal(trunc.asum, false, "a is a combination of the bit coordinates");
  assert.equal(packDotLayer(step, mustDecompose(truncatedTable(3), "t3"), 2), null, "limit 2");
});

Deno.test("kernel tables: a compensated design is shifted so zero bytes can be skipped", () => {
  const plain = kernelTable(truncatedTable(4));
  assert.deepEqual([plain.skipZero, plain.shift], [true, null]);
  const comp = kernelTable(truncatedTable(4, 9));
  assert.equal(comp.skipZero, true);
  assert.ok(comp.shift!.every((x) => x === 9));
  assert.equal(comp.table[5 * 256 + 7], truncatedTable(4)[5 * 256 + 7]);
  // Products below the a = 0 row cannot shift into uint16: no skipping.
  const odd = exactTable();
  odd[3] = 50;
  assert.equal(kernelTable(odd).skipZero, false);
});
