// Signed (two's complement) and 8xN multipliers: generators, metrics, Verilog and table
// imports, and the bad inputs that must be refused with nothing written.
import assert from "node:assert/strict";
import { runMultipliersCli } from "../../cli/multipliers.ts";
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import { characterise } from "../../src/multipliers/characterise.ts";
import {
  exactArray,
  operandTruncation,
  perforated,
  truncated,
} from "../../src/multipliers/generators/families.ts";
import { importFile } from "../../src/multipliers/imported.ts";
import { importMultiplier, multiplierTable } from "../../src/multipliers/library.ts";
import { errorMetrics, exactProductTable } from "../../src/multipliers/metrics.ts";
import { validateNetlist, wireA, wireB } from "../../src/multipliers/netlist.ts";
import { operandValue, productValues, tableSize } from "../../src/multipliers/products.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { writeTableFile } from "../../src/multipliers/table_file.ts";
import { verilogToNetlist } from "../../src/multipliers/verilog/elaborate.ts";
import { netlistToVerilog } from "../../src/multipliers/verilog/export.ts";

const verilogDir = new URL("./verilog/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, verilogDir));

/** Fails naming the first pair whose product (as `signed` reads it) differs from `f`. */
function assertProducts(
  table: Uint16Array,
  weightBits: number,
  signed: boolean,
  f: (a: number, b: number) => number,
  label: string,
): void {
  assert.equal(table.length, tableSize(weightBits), `${label}: table size`);
  const values = productValues(table, { weightBits, signed });
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 1 << weightBits; b++) {
      const x = operandValue(a, 8, signed), y = operandValue(b, weightBits, signed);
      const want = f(x, y), got = values[(a << weightBits) | b];
      if (got !== want) {
        throw new Error(`${label}: (a=${x}, b=${y}) gives ${got}, expected ${want}`);
      }
    }
  }
}

async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("arrays: exact for every width and both number formats; approximations as defined", () => {
  for (const signed of [false, true]) {
    for (let n = 2; n <= 8; n++) {
      const netlist = exactArray({ weightBits: n, signed });
      const label = `exact 8x${n} ${signed ? "signed" : "unsigned"}`;
      assertProducts(simulateTable(netlist), n, signed, (a, b) => a * b, label);
      const c = characterise(netlist);
      assert.deepEqual([c.metrics.mae, c.metrics.wce, c.metrics.ep], [0, 0, 0], label);
      assert.deepEqual(c.operands, { weightBits: n, signed }, label);
    }
  }
  // Narrower weights need fewer cells: the energy comes from each circuit's own model.
  const power = [2, 4, 6, 8].map((n) => characterise(exactArray({ weightBits: n, signed: false })));
  for (let k = 1; k < power.length; k++) {
    assert.ok(power[k - 1].relativePower < power[k].relativePower, "8x2 < 8x4 < 8x6 < 8x8");
  }
  assert.equal(power[3].relativePower, 1);

  // Signed operand truncation multiplies the operands with their low bits cleared.
  const s8 = { weightBits: 8, signed: true };
  assertProducts(
    simulateTable(operandTruncation(2, 3, s8)),
    8,
    true,
    (a, b) => (a & ~3) * (b & ~7),
    "signed operand truncation",
  );
  // Unsigned 8x4 truncation drops the partial products below weight 3.
  const u4 = { weightBits: 4, signed: false };
  const kept = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 8; j++) if (i + j >= 3) s += ((a >> j) & 1) * ((b >> i) & 1) << (i + j);
    }
    return s;
  };
  assertProducts(simulateTable(truncated(3, false, u4)), 4, false, kept, "8x4 trunc3");
  // Approximate signed circuits err, but stay near the product (MAE under 2% of the range).
  for (const netlist of [truncated(6, false, s8), perforated(1, 2, s8)]) {
    const m = characterise(netlist).metrics;
    assert.ok(m.ep > 0 && m.maePct < 2, `MAE% ${m.maePct}`);
  }
  assert.throws(() => perforated(6, 2, s8), /not magnitude rows of B/);
  assert.throws(() => truncated(4, true, s8), /compensation is defined for 8x8 unsigned/);
});

Deno.test("metrics: over each layout's operand ranges; a signed table read as unsigned is far off", () => {
  const signed = exactProductTable({ weightBits: 8, signed: true });
  assert.equal(new Int16Array(signed.buffer)[128 * 256 + 128], 16384, "(-128) * (-128)");
  assert.equal(new Int16Array(signed.buffer)[255 * 256 + 1], -1, "(-1) * 1");
  const t = signed.slice();
  t[128 * 256 + 128] = 16383; // e = -1, relative 1/16384
  t[0 * 256 + 5] = 0xffff; // 0 * 5 read as -1: e = -1, exact 0 (not in MRE)
  const m = errorMetrics(t, { weightBits: 8, signed: true });
  assert.equal(m.wce, 1);
  assert.equal(m.mae, 2 / 65536);
  assert.equal(m.ep, 2 / 65536);
  const nonzero = 255 * 255; // a != 0 and b != 0
  assert.ok(Math.abs(m.mre - 1 / 16384 / nonzero) < 1e-15);
  // The figures: an exact signed multiplier characterised as unsigned.
  const wrong = errorMetrics(signed);
  assert.deepEqual(
    [wrong.maePct, wrong.wcePct, wrong.epPct, wrong.mrePct].map((x) => Math.round(10 * x) / 10),
    [49.6, 99.6, 74.6, 712],
  );
  // 8x4: 4,096 pairs, per cent of the 12-bit output range.
  const u4 = { weightBits: 4, signed: false };
  const t4 = exactProductTable(u4).slice();
  t4[(200 << 4) | 9] += 41;
  const m4 = errorMetrics(t4, u4);
  assert.equal(m4.wce, 41);
  assert.equal(m4.wcePct, (41 / 4096) * 100);
  assert.equal(m4.ep, 1 / 4096);
  assert.throws(
    () => errorMetrics(t4),
    /expected a table of 65,536 products, found 4,096 \(8x8: 256 x 2\^8, index a \* 256 \+ b\)/,
  );
});

Deno.test("netlists: an 8xN circuit reads no B bit from N up; bits above its product are 0 or its sign", () => {
  const b = new NetlistBuilder();
  const p = b.and(wireA(0), wireB(5));
  assert.throws(
    () => b.build([p], { weightBits: 4, signed: false }),
    /cell 0 \(AND2\): reads B\[5\], beyond the 4-bit operand B/,
  );
  const ok = new NetlistBuilder();
  const q = ok.and(wireA(0), wireB(3));
  assert.throws(
    () => validateNetlist({ ...ok.build([q]), outputs: Array(16).fill(q), weightBits: 4 }),
    /output O\[12\]: expected constant 0 above the 12-bit product/,
  );
  const signed = ok.build([...Array(11).fill(0), q, q, q, q, q], { weightBits: 4, signed: true });
  assert.doesNotThrow(() => validateNetlist(signed));
});

Deno.test("verilog: a signed multiplier written with + and - imports exact; the ports decide", async () => {
  const text = await fixture("mul8s_shift_add.v");
  const declared = verilogToNetlist(text, "mul8s_shift_add.v");
  assert.equal(declared.declaredSigned, true);
  const c = characterise(declared.netlist);
  assert.deepEqual(c.operands, { weightBits: 8, signed: true });
  assert.deepEqual([c.metrics.mae, c.metrics.wce, c.metrics.ep], [0, 0, 0]);
  // Exported (signed ports) and read back: the same table and cells.
  const back = verilogToNetlist(netlistToVerilog("m", declared.netlist), "m.v").netlist;
  assert.match(netlistToVerilog("m", declared.netlist), /input signed \[7:0\] A;/);
  assert.deepEqual(characterise(back).gates, c.gates);
  assert.deepEqual(simulateTable(back), c.table);

  // Without `signed` on the ports it is unsigned unless told; told, it is exact again.
  const plain = text.replaceAll("signed ", "");
  assert.equal(characterise(verilogToNetlist(plain, "p.v").netlist).operands.signed, false);
  const told = characterise(verilogToNetlist(plain, "p.v", { signed: true }).netlist);
  assert.deepEqual([told.metrics.mae, told.metrics.wce, told.metrics.ep], [0, 0, 0]);

  assert.throws(
    () => verilogToNetlist(text, "s.v", { signed: false }),
    /s\.v:4: port 'A' is declared signed, but the circuit was to be imported as unsigned \(--unsigned, signed: false\)/,
  );
  assert.throws(
    () => verilogToNetlist(text.replace("input signed [7:0] B", "input [7:0] B"), "mixed.v"),
    /mixed\.v:5: expected both operands signed or both unsigned, found 'A' declared signed \(line 4\) and 'B' not/,
  );
});

Deno.test("verilog: + and - (binary, unary) follow Verilog widths and signedness", () => {
  const text = `
module ops(input [7:0] A, input [7:0] B, output [15:0] O);
  wire signed [3:0] s = A[3:0];
  wire signed [7:0] e = s;
  assign O[7:0] = A - B;
  assign O[11:8] = -A[3:0];
  assign O[15:12] = e[7:4] + 4'd1;
endmodule`;
  const table = simulateTable(verilogToNetlist(text, "ops.v").netlist);
  for (const [a, b] of [[0, 0], [5, 9], [200, 17], [255, 255], [8, 3], [7, 1]]) {
    const s = (a & 15) >= 8 ? (a & 15) - 16 : a & 15; // A[3:0] as signed
    const high = ((s < 0 ? 15 : 0) + 1) & 15; // e's top nibble (the sign) plus 1
    const want = ((a - b) & 255) | ((-(a & 15) & 15) << 8) | (high << 12);
    assert.equal(table[a * 256 + b], want, `(a=${a}, b=${b})`);
  }
});

Deno.test("verilog: 8xN ports; layouts that are neither 8x8 nor 8xN are refused", async () => {
  const r = verilogToNetlist(await fixture("mul8x4u_rows.v"), "mul8x4u_rows.v");
  assert.equal(r.netlist.weightBits, 4);
  assertProducts(simulateTable(r.netlist), 4, false, (a, b) => a * b, "8x4 rows");
  assert.match(netlistToVerilog("m", r.netlist), /input \[3:0\] B;\n {2}output \[11:0\] O;/);
  const bad: [string, string][] = [
    ["input [7:0] A, input [3:0] B, output [15:0] O", "input A[8], input B[4], output O[16]"],
    ["input [7:0] A, input [0:0] B, output [8:0] O", "input A[8], input B[1], output O[9]"],
    ["input [6:0] A, input [6:0] B, output [13:0] O", "input A[7], input B[7], output O[14]"],
    ["input [7:0] X, input [7:0] Y, input [7:0] Z, output [15:0] O", "input X[8], input Y[8]"],
  ];
  for (const [ports, found] of bad) {
    assert.throws(
      () => verilogToNetlist(`// a comment\nmodule w(${ports});\nendmodule`, "w.v"),
      (e: Error) => {
        assert.match(e.message, /^w\.v:2: expected module 'w' to have inputs A\[7:0\], B\[7:0\]/);
        assert.ok(e.message.includes(found), e.message);
        assert.match(e.message, /an 8xN multiplier has B\[N-1:0\] and O\[N\+7:0\], N = 2\.\.7/);
        return true;
      },
    );
  }
});

Deno.test("import: a signed circuit taken as unsigned gets a warning saying how to choose", async () => {
  const dir = await Deno.makeTempDir();
  const plain = `${dir}/mul8s_plain.v`;
  await Deno.writeTextFile(plain, (await fixture("mul8s_shift_add.v")).replaceAll("signed ", ""));
  const warnings: string[] = [];
  const record = await importFile(plain, { name: "p", onWarning: (w) => warnings.push(w) });
  assert.equal(record.info.signed, false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /mul8s_plain\.v: imported as unsigned, but its name 'mul8s_shift_add'/);
  assert.match(warnings[0], /its table reads as signed \(MAE 49\.61% read as unsigned, 0\.00%/);
  assert.match(warnings[0], /--signed \(signed: true\).*--unsigned \(signed: false\)/);
  // Told either way: no warning; told signed, exact.
  const quiet: string[] = [];
  const s = await importFile(plain, { name: "s", signed: true, onWarning: (w) => quiet.push(w) });
  await importFile(plain, { name: "u", signed: false, onWarning: (w) => quiet.push(w) });
  assert.deepEqual(quiet, []);
  assert.deepEqual([s.info.signed, s.info.metrics.mae, s.info.metrics.wce], [true, 0, 0]);
  // A table that reads as signed warns too, without any name to go by.
  const bin = `${dir}/table.bin`;
  await writeTableFile(bin, exactProductTable({ weightBits: 8, signed: true }));
  const tableWarnings: string[] = [];
  await importFile(bin, {
    name: "t",
    powerMw: 0.4,
    areaUm2: 700,
    onWarning: (w) => tableWarnings.push(w),
  });
  assert.match(tableWarnings[0] ?? "", /table\.bin: imported as unsigned, but its table reads/);
  // An unsigned circuit does not warn.
  const none: string[] = [];
  await importFile(new URL("shift_add_hier.v", verilogDir).pathname, {
    name: "x",
    onWarning: (w) => none.push(w),
  });
  assert.deepEqual(none, []);
});

Deno.test("import: 256 x 2^N tables and signed circuits into a library; bad input adds nothing", async () => {
  const importedDir = await Deno.makeTempDir();
  const scratch = await Deno.makeTempDir();
  const options = { importedDir };
  const bin4 = `${scratch}/t4.bin`;
  await writeTableFile(bin4, exactProductTable({ weightBits: 4, signed: true }));
  const t4 = await importMultiplier(bin4, {
    ...options,
    name: "t4",
    signed: true,
    powerMw: 0.2,
    areaUm2: 350,
  });
  assert.deepEqual([t4.weightBits, t4.signed, t4.metrics.mae], [4, true, 0]);
  assert.match(t4.note, /8x4 signed/);
  assert.equal((await multiplierTable("t4", options)).length, 4096);
  const v = await importMultiplier(new URL("mul8s_shift_add.v", verilogDir).pathname, {
    ...options,
    name: "sv",
  });
  assert.deepEqual([v.weightBits, v.signed, v.metrics.ep], [8, true, 0]);
  assert.deepEqual(await filesIn(importedDir), ["sv.json", "t4.json"]);

  const odd = `${scratch}/odd.bin`;
  await Deno.writeFile(odd, new Uint8Array(3000));
  await assert.rejects(
    () => importMultiplier(odd, { ...options, name: "odd", powerMw: 1, areaUm2: 1 }),
    /odd\.bin: expected exactly 131,072 bytes .* \(N=2: 2,048, N=3: 4,096, .* N=7: 65,536 bytes\), found 3,000 bytes/,
  );
  await assert.rejects(
    () =>
      importMultiplier(new URL("mul8s_shift_add.v", verilogDir).pathname, {
        ...options,
        name: "contra",
        signed: false,
      }),
    /mul8s_shift_add\.v:4: port 'A' is declared signed, .*--unsigned/,
  );
  const layout = `${scratch}/layout.v`;
  await Deno.writeTextFile(
    layout,
    "module l(input [7:0] A, input [3:0] B, output [15:0] O);\nendmodule\n",
  );
  await assert.rejects(
    () => importMultiplier(layout, { ...options, name: "layout" }),
    /layout\.v:1: expected module 'l' to have inputs A\[7:0\], B\[7:0\] and output O\[15:0\]/,
  );
  assert.deepEqual(await filesIn(importedDir), ["sv.json", "t4.json"], "nothing added");
});

Deno.test("cli: list by width and signedness, show the operands, import flags", async () => {
  const lines: string[] = [];
  const run = (args: string[]) => runMultipliersCli(args, (l) => lines.push(...l.split("\n")));
  await run(["list", "--weight-bits", "4", "--signed"]);
  const names = lines.slice(2, -1).map((l) => l.split(/\s+/)[0]);
  assert.ok(names.length >= 2 && names.every((n) => n.startsWith("mul8x4s_")), names.join());
  lines.length = 0;
  await run(["show", "mul8x4u_trunc4"]);
  assert.ok(
    lines.includes("operands: 8x4 unsigned (A 8 bits, B 4 bits; table 256 x 16, index a * 16 + b)"),
  );
  await assert.rejects(
    () => run(["import", "x.v", "--name", "x", "--signed", "--unsigned"]),
    /--signed and --unsigned contradict each other/,
  );
  await assert.rejects(
    () => run(["list", "--weight-bits", "1"]),
    /--weight-bits expects an integer >= 2/,
  );
});
