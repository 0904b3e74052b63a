/**
 * The 8-bit depthwise convolution (q8_dwconv2d_table) against the TypeScript reference, bit
 * for bit, with exact, truncated, compensated and random tables on awkward shapes (channels
 * not multiples of 4 or 8, both strides, asymmetric padding, 3x3 and 5x5, float output), and
 * the exact table against plain integer arithmetic. Every path choice takes the table kernel.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { integerConv, referenceConv } from "../../src/quant/reference.ts";
import { Rng } from "../../src/util/rng.ts";
import {
  assertSame,
  type ConvGeometry,
  label,
  randomBytes,
  randomConvStep,
  runConvStep,
} from "./_steps.ts";
import { exactTable, randomErrorTable, truncatedTable } from "./_tables.ts";

function dw(
  n: number,
  h: number,
  w: number,
  c: number,
  k: number,
  s: number,
  pad: [number, number, number, number],
  floatOutput = false,
): ConvGeometry {
  return { n, h, w, c, k: c, kh: k, kw: k, sh: s, sw: s, pad, depthwise: true, floatOutput };
}

const GEOMETRIES: ConvGeometry[] = [
  dw(3, 5, 7, 3, 3, 1, [1, 1, 1, 1]),
  dw(1, 6, 6, 16, 3, 2, [0, 0, 1, 1]),
  dw(2, 7, 5, 13, 5, 1, [2, 2, 2, 2]),
  dw(1, 9, 9, 10, 5, 2, [2, 1, 1, 2]),
  dw(1, 4, 4, 33, 3, 1, [1, 1, 1, 1], true),
];

const TABLES: { name: string; table: Uint16Array }[] = [
  { name: "exact", table: exactTable() },
  { name: "truncated 5", table: truncatedTable(5) },
  { name: "truncated 7 + 100 (row 0 not zero)", table: truncatedTable(7, 100) },
  { name: "random errors", table: randomErrorTable(5, 40) },
];

const engine = await loadEngine();

for (const { name, table } of TABLES) {
  Deno.test(`depthwise kernel, ${name}: every path choice equals the reference`, () => {
    const rng = new Rng(name.length * 5 + 3);
    for (const g of GEOMETRIES) {
      for (const relu of [false, true]) {
        const step = randomConvStep(rng, g, relu);
        const zIn = rng.int(256);
        const x = randomBytes(rng, g.n * g.h * g.w * g.c, relu ? 0.5 : 0);
        const expected = referenceConv(step, x, g.n, zIn, table);
        const what = `${name}, ${label(g)}, relu ${relu}, zIn ${zIn}`;
        for (const path of ["auto", "table", "rows", "dot"] as const) {
          const r = runConvStep(engine, step, x, g.n, zIn, table, path);
          assert.equal(r.path, "table", `${what}: ${path} takes the table kernel`);
          assertSame(r.out, expected, `${what}, ${path}`);
        }
      }
    }
  });
}

Deno.test("depthwise with the exact table reproduces plain integer arithmetic", () => {
  const rng = new Rng(98);
  for (const g of GEOMETRIES) {
    const step = randomConvStep(rng, g, false);
    const zIn = rng.int(256);
    const x = randomBytes(rng, g.n * g.h * g.w * g.c);
    const expected = integerConv(step, x, g.n, zIn);
    assertSame(referenceConv(step, x, g.n, zIn, exactTable()), expected, `${label(g)} reference`);
    const r = runConvStep(engine, step, x, g.n, zIn, exactTable(), "auto");
    assertSame(r.out, expected, `${label(g)} kernel vs integer arithmetic`);
  }
});
