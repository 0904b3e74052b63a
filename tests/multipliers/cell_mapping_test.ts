import assert from "node:assert/strict";
import { characterise } from "../../src/multipliers/characterise.ts";
import { enumerateCuts, expandTable, LEAF } from "../../src/multipliers/cuts.ts";
import { brokenArray, exactArray } from "../../src/multipliers/generators/families.ts";
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import {
  firstOutputs,
  type Netlist,
  wireA,
  wireB,
  wireName,
} from "../../src/multipliers/netlist.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { verilogToNetlist } from "../../src/multipliers/verilog/elaborate.ts";
import { netlistToVerilog } from "../../src/multipliers/verilog/export.ts";
import { assertSameTable } from "./_netlists.ts";

type Adder = (a: string, b: string, c: string) => [string, string];

/** Ways to write a full adder's sum and carry (and a half adder's) as gates. */
const SPELLINGS: Record<string, { fa: Adder; ha: Adder }> = {
  "(a & b) | (c & (a ^ b))": {
    fa: (a, b, c) => [`${a} ^ ${b} ^ ${c}`, `(${a} & ${b}) | (${c} & (${a} ^ ${b}))`],
    ha: (a, b) => [`${a} ^ ${b}`, `${a} & ${b}`],
  },
  "majority (a & b) | (b & c) | (a & c)": {
    fa: (a, b, c) => [`(${a} ^ ${c}) ^ ${b}`, `(${a} & ${b}) | (${b} & ${c}) | (${a} & ${c})`],
    ha: (a, b) => [`${b} ^ ${a}`, `${b} & ${a}`],
  },
  "mux carry, AND-OR xor": {
    fa: (a, b, c) => [`${a} ^ (${b} ^ ${c})`, `(${a} ^ ${b}) ? ${c} : ${a}`],
    ha: (a, b) => [`(${a} & ~${b}) | (~${a} & ${b})`, `~(~${a} | ~${b})`],
  },
  "NANDs and XNORs": {
    fa: (a, b, c) => [`~(~(${a} ^ ${b}) ^ ${c})`, `~(~(${a} & ${b}) & ~(${c} & (${a} | ${b})))`],
    ha: (a, b) => [`~(${a} ~^ ${b})`, `~(~(${a} & ${b}))`],
  },
};

/** A netlist of AND2, HA and FA cells as flat Verilog, its adders spelled out as gates. */
function flatVerilog(netlist: Netlist, spelling: { fa: Adder; ha: Adder }): string {
  const sig = (w: number) => (w < 2 ? `1'b${w}` : wireName(w));
  const first = firstOutputs(netlist);
  const lines = ["module m (input [7:0] A, input [7:0] B, output [15:0] O);"];
  netlist.cells.forEach((cell, i) => {
    const o = first[i];
    const [x, y, z] = cell.inputs.map(sig);
    if (cell.kind === "AND2") lines.push(`  wire n${o} = ${x} & ${y};`);
    else if (cell.kind === "HA" || cell.kind === "FA") {
      const [s, c] = cell.kind === "HA" ? spelling.ha(x, y, "") : spelling.fa(x, y, z);
      lines.push(`  wire n${o} = ${s};`, `  wire n${o + 1} = ${c};`);
    } else throw new Error(`flatVerilog: no spelling for ${cell.kind}`);
  });
  netlist.outputs.forEach((w, k) => lines.push(`  assign O[${k}] = ${sig(w)};`));
  return [...lines, "endmodule", ""].join("\n");
}

Deno.test("cell mapping: one circuit written five ways gets the same cells and figures", () => {
  for (
    const [label, netlist] of [["exact", exactArray()], ["bam h2v8", brokenArray(2, 8)]] as const
  ) {
    const reference = characterise(netlist);
    const texts: [string, string][] = [
      ["HA/FA instances (export)", netlistToVerilog("m", netlist)],
      ...Object.entries(SPELLINGS).map(([k, s]) =>
        [k, flatVerilog(netlist, s)] as [string, string]
      ),
    ];
    for (const [how, text] of texts) {
      const imported = verilogToNetlist(text, `${label}.v`).netlist;
      assertSameTable(simulateTable(imported), reference.table, `${label}, ${how}`);
      const c = characterise(imported);
      assert.deepEqual(c.gates, reference.gates, `${label}, ${how}: cells`);
      assert.ok(
        Math.abs(c.relativePower / reference.relativePower - 1) < 1e-12,
        `${label}, ${how}`,
      );
      assert.ok(Math.abs(c.relativeArea / reference.relativeArea - 1) < 1e-12, `${label}, ${how}`);
    }
  }
  assert.deepEqual(characterise(exactArray()).gates, { AND2: 64, HA: 8, FA: 48 });
});

Deno.test("cell mapping: a full adder whose gates are read elsewhere keeps only what it frees", () => {
  // x ^ y and x & y both feed other outputs: the adder's own gates (an HA and an OR, 4.66
  // NAND2 equivalents) are less than an FA (5.33), so they stay.
  const b = new NetlistBuilder();
  const [x, y, z] = [wireA(0), wireA(1), wireB(0)];
  const t = b.xor(x, y), g = b.and(x, y);
  const n = b.build([b.xor(t, z), b.or(g, b.and(z, t)), t, g]);
  assert.deepEqual(characterise(verilogToNetlist(netlistToVerilog("m", n), "m.v").netlist).gates, {
    OR2: 1,
    HA: 2,
  });
});

Deno.test("cuts: truth tables over up to three leaves, re-expressed over larger leaf sets", () => {
  // v0 & v1 over (5, 9) is, over (5, 7, 9), v0 & v2.
  assert.equal(expandTable(LEAF[0] & LEAF[1], [5, 9], [5, 7, 9]), LEAF[0] & LEAF[2]);
  assert.equal(expandTable(LEAF[0], [9], [5, 9]), LEAF[1]);
  const b = new NetlistBuilder();
  const [p, q, r] = [wireA(0), wireA(3), wireB(2)];
  const maj = b.or(b.or(b.and(p, q), b.and(q, r)), b.and(p, r));
  const n = b.build([maj]);
  const cut = enumerateCuts(n)[maj].find((c) => c.leaves.join() === [p, q, r].join());
  assert.equal(cut?.table, 0xe8, "majority of the three operand bits");
});
