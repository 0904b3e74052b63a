/**
 * The 8-bit conv/dense kernels against the TypeScript reference, bit for bit: the table
 * path with any table, every dot-product form, and the exact table against plain integer
 * arithmetic; on awkward shapes (channels not multiples of 4 or 8, 1x1, stride 2,
 * asymmetric padding, batch 1 and 3, float output).
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
import {
  exactTable,
  operandTruncationTable,
  randomErrorTable,
  randomPerforatedTable,
  truncatedTable,
} from "./_tables.ts";

const GEOMETRIES: ConvGeometry[] = [
  { n: 3, h: 5, w: 7, c: 3, k: 5, kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1] },
  { n: 1, h: 6, w: 6, c: 16, k: 16, kh: 3, kw: 3, sh: 2, sw: 2, pad: [0, 0, 1, 1] },
  { n: 2, h: 4, w: 5, c: 13, k: 10, kh: 1, kw: 1, sh: 1, sw: 1, pad: [0, 0, 0, 0] },
  { n: 1, h: 7, w: 7, c: 4, k: 7, kh: 3, kw: 2, sh: 2, sw: 1, pad: [2, 0, 1, 1] },
  { n: 1, h: 8, w: 8, c: 32, k: 9, kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1] },
  {
    n: 3,
    h: 3,
    w: 1,
    c: 6,
    k: 3,
    kh: 3,
    kw: 1,
    sh: 1,
    sw: 1,
    pad: [1, 0, 1, 0],
    floatOutput: true,
  },
  { n: 3, h: 1, w: 1, c: 37, k: 10, kh: 1, kw: 1, sh: 1, sw: 1, pad: [0, 0, 0, 0], dense: true },
  {
    n: 2,
    h: 1,
    w: 1,
    c: 64,
    k: 10,
    kh: 1,
    kw: 1,
    sh: 1,
    sw: 1,
    pad: [0, 0, 0, 0],
    dense: true,
    floatOutput: true,
  },
];

/** Tables whose structure the dot path must handle: extra u, v, constant and f-LUT streams. */
function build(f: (a: number, b: number) => number): Uint16Array {
  const t = new Uint16Array(65536);
  for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[a * 256 + b] = f(a, b);
  return t;
}

/** The table with row 0 set to zeros (so zero activations are skipped). */
function zeroRow0(t: Uint16Array): Uint16Array {
  t.fill(0, 0, 256);
  return t;
}

const TABLES: { name: string; table: Uint16Array; dot: boolean }[] = [
  { name: "exact", table: exactTable(), dot: true },
  { name: "truncated 5", table: truncatedTable(5), dot: true },
  { name: "truncated 7 + 100", table: truncatedTable(7, 100), dot: true },
  { name: "operand truncation 2,3", table: operandTruncationTable(2, 3), dot: true },
  { name: "perforated 5 PPs", table: randomPerforatedTable(11, 5), dot: true },
  { name: "a*(b>>1) + 3a + 7 (u, v)", table: build((a, b) => a * (b >> 1) + 3 * a + 7), dot: true },
  {
    name: "(a & 0xf0)*b + (a*a >> 9) (u not linear)",
    table: build((a, b) => (a & 0xf0) * b + ((a * a) >> 9)),
    dot: true,
  },
  { name: "random errors (no dot path)", table: randomErrorTable(5, 40), dot: false },
  { name: "random errors, zero row 0", table: zeroRow0(randomErrorTable(6, 40)), dot: false },
];

const engine = await loadEngine();

for (const { name, table, dot } of TABLES) {
  Deno.test(`conv kernels, ${name}: table, rows${dot ? " and dot paths" : " paths"} equal the reference`, () => {
    const rng = new Rng(name.length * 7 + 1);
    for (const g of GEOMETRIES) {
      for (const relu of [false, true]) {
        const step = randomConvStep(rng, g, relu);
        const zIn = rng.int(256);
        // Some inputs with many zero bytes (as after a ReLU) exercise the zero skipping.
        const x = randomBytes(rng, g.n * g.h * g.w * g.c, relu ? 0.5 : 0);
        const expected = referenceConv(step, x, g.n, zIn, table);
        const what = `${name}, ${label(g)}, relu ${relu}, zIn ${zIn}`;
        for (const path of ["table", "rows"] as const) {
          const r = runConvStep(engine, step, x, g.n, zIn, table, path);
          assert.equal(r.path, path);
          assertSame(r.out, expected, `${what}, ${path} path`);
        }
        const auto = runConvStep(engine, step, x, g.n, zIn, table, "auto");
        assert.equal(auto.path, dot ? "dot" : "rows", `${what}: path chosen`);
        assertSame(auto.out, expected, `${what}, ${auto.path} path (${auto.streams} streams)`);
      }
    }
  });
}

Deno.test("with the exact table, both paths reproduce plain integer arithmetic bit for bit", () => {
  const rng = new Rng(99);
  const table = exactTable();
  for (const g of GEOMETRIES) {
    const step = randomConvStep(rng, g, false);
    const zIn = rng.int(256);
    const x = randomBytes(rng, g.n * g.h * g.w * g.c);
    const expected = integerConv(step, x, g.n, zIn);
    for (const path of ["table", "rows", "dot"] as const) {
      const r = runConvStep(engine, step, x, g.n, zIn, table, path);
      assertSame(r.out, expected, `${label(g)}, ${path} path vs integer arithmetic`);
      if (path === "dot") assert.equal(r.streams, 1, `${label(g)}: exact needs one stream`);
    }
  }
});

Deno.test("a layer whose table needs more streams than allowed takes the rows path", () => {
  const g = GEOMETRIES[1];
  const rng = new Rng(3);
  const step = randomConvStep(rng, g, false);
  const x = randomBytes(rng, g.n * g.h * g.w * g.c);
  const table = truncatedTable(5); // rank 6
  const wide = runConvStep(engine, step, x, g.n, 0, table, "auto", 6);
  const narrow = runConvStep(engine, step, x, g.n, 0, table, "auto", 5);
  assert.deepEqual([wide.path, wide.streams, narrow.path], ["dot", 6, "rows"]);
  assertSame(narrow.out, wide.out, "rows path vs 6-stream dot path");
});

Deno.test("the dot path refuses a table it cannot decompose, naming the layer", () => {
  const g = GEOMETRIES[0];
  const step = randomConvStep(new Rng(1), g, false);
  assert.throws(
    () =>
      runConvStep(
        engine,
        step,
        new Uint8Array(g.n * g.h * g.w * g.c),
        g.n,
        0,
        randomErrorTable(2, 9),
        "dot",
      ),
    /Layer 'layer': multiplier 'm' has no dot-product form/,
  );
});
