import assert from "node:assert/strict";
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import { CELL_KINDS, wireA, wireB, wireCount } from "../../src/multipliers/netlist.ts";
import { evaluateAt, wireValuesAt } from "../../src/multipliers/reference.ts";
import { simulate, simulateTable, toggleProbability } from "../../src/multipliers/simulate.ts";
import { assertSameTable, randomNetlist } from "./_netlists.ts";

Deno.test("simulate: operand bits land at index a * 256 + b", () => {
  const b = new NetlistBuilder();
  const outputs = [
    ...Array.from({ length: 8 }, (_, i) => wireA(i)),
    ...Array.from({ length: 8 }, (_, i) => wireB(i)),
  ];
  const table = simulateTable(b.build(outputs));
  assertSameTable(table, (a, x) => a + 256 * x, "O = {B, A}");
  const constants = simulateTable(new NetlistBuilder().build([1, 0, 1]));
  assertSameTable(constants, () => 5, "constant 5");
});

Deno.test("simulate: every cell kind, on random netlists, equals one-pair evaluation", () => {
  for (const seed of [11, 12, 13]) {
    const netlist = randomNetlist(seed, 60);
    const kinds = new Set(netlist.cells.map((c) => c.kind));
    assert.equal(kinds.size, CELL_KINDS.length, `seed ${seed} uses every kind`);
    const { table, ones } = simulate(netlist);
    assertSameTable(table, (a, b) => evaluateAt(netlist, a, b), `seed ${seed}`);
    // Signal probabilities: count ones per wire over all pairs with the reference.
    const counts = new Float64Array(wireCount(netlist));
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const v = wireValuesAt(netlist, a, b);
        for (let w = 0; w < v.length; w++) counts[w] += v[w];
      }
    }
    counts.forEach((c, w) => assert.equal(ones[w], c / 65536, `seed ${seed} wire ${w}`));
    assert.equal(ones[0], 0);
    assert.equal(ones[1], 1);
    assert.equal(ones[wireA(3)], 0.5);
  }
});

Deno.test("toggle probability: 2p(1-p) is P(differ) for two independent draws", () => {
  for (const p of [0, 0.25, 0.5, 0.9, 1]) {
    // P(x1 != x2) = p(1-p) + (1-p)p, by enumeration.
    assert.equal(toggleProbability(p), p * (1 - p) + (1 - p) * p, `p=${p}`);
  }
});
