import assert from "node:assert/strict";
import { CATALOGUE } from "../../src/multipliers/catalogue.ts";
import { cellCounts } from "../../src/multipliers/netlist.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { verilogToNetlist } from "../../src/multipliers/verilog/elaborate.ts";
import { netlistToVerilog } from "../../src/multipliers/verilog/export.ts";
import { assertSameTable } from "./_netlists.ts";

const dir = new URL("./verilog/", import.meta.url);

const bit = (x: number, i: number) => (x >> i) & 1;
const parity = (x: number) => {
  let p = 0;
  for (; x; x &= x - 1) p ^= 1;
  return p;
};

Deno.test("verilog import: hand-written files in four styles give the expected tables", async () => {
  const cases: [string, string, (a: number, b: number) => number][] = [
    ["shift_add_hier.v", "mul8_shift_add", (a, b) => a * b],
    ["top2x2_flat.v", "mul8u_top2x2", (a, b) => ((a >> 6) * (b >> 6)) << 12],
    ["primitives_ansi.v", "sel_and_copy", (a, b) => (b & 1 ? a : 0) + 256 * b],
    ["mux_positional.v", "low_nibbles", (a, b) => (a & 15) * (b & 15)],
  ];
  for (const [file, module, expected] of cases) {
    const text = await Deno.readTextFile(new URL(file, dir));
    const result = verilogToNetlist(text, file);
    assert.equal(result.module, module, file);
    assertSameTable(simulateTable(result.netlist), expected, file);
  }
  // Gate-level full adders map back onto cells: the shift-and-add rows cost as the array.
  const exact = verilogToNetlist(await Deno.readTextFile(new URL("shift_add_hier.v", dir)), "x.v");
  assert.deepEqual(cellCounts(exact.netlist), { AND2: 64, HA: 8, FA: 48 });
});

Deno.test("verilog import: operators, precedence, selects and Verilog widths", () => {
  const text = `
module ops(input [7:0] A, input [7:0] B, output [15:0] O);
  assign O[0] = &A;
  assign O[1] = |B[3:0];
  assign O[2] = ^A;
  assign O[3] = ~&B;
  assign O[4] = ~|A[7:4];
  assign O[5] = ~^B;
  assign O[6] = !A;
  assign O[7] = A[0] && B[1] || A[2];
  assign O[11:8] = (A[3:0] ^~ B[7:4]) & ~A[7:4] | A[1] & B[2];
  assign {O[15], O[14:12]} = B[1] ? {A[7], A[2:0]} : 4'hA;
endmodule`;
  const expected = (a: number, b: number) => {
    let o = 0;
    o |= (a === 255 ? 1 : 0) << 0;
    o |= ((b & 15) !== 0 ? 1 : 0) << 1;
    o |= parity(a) << 2;
    o |= (b === 255 ? 0 : 1) << 3;
    o |= ((a >> 4) === 0 ? 1 : 0) << 4;
    o |= (parity(b) ^ 1) << 5;
    o |= (a === 0 ? 1 : 0) << 6;
    o |= ((bit(a, 0) & bit(b, 1)) | bit(a, 2)) << 7;
    // A[1] & B[2] is zero-extended to 4 bits before the &: it only reaches bit 0.
    const mid = ((~((a & 15) ^ (b >> 4)) & ~(a >> 4)) | (bit(a, 1) & bit(b, 2))) & 15;
    o |= mid << 8;
    const top = bit(b, 1) ? (bit(a, 7) << 3) | (a & 7) : 0xa;
    return o | (top << 12);
  };
  assertSameTable(simulateTable(verilogToNetlist(text, "ops.v").netlist), expected, "ops.v");

  // ~ of a narrow operand in a wide context inverts the zero-extension too; concatenation
  // and replication; assignments truncate.
  const widths = `
module widths(A, B, O);
  input [7:0] A; input [7:0] B; output [15:0] O;
  wire [1:0] two;
  assign two = A[7:6];
  assign O[3:0] = ~two;
  assign O[7:4] = {2{B[1:0]}};
  assign O[15:8] = {A, B};
endmodule`;
  assertSameTable(
    simulateTable(verilogToNetlist(widths, "widths.v").netlist),
    (a, b) => ((~(a >> 6)) & 15) | (((b & 3) * 5) << 4) | ((b & 255) << 8),
    "widths.v",
  );
});

Deno.test("verilog import: the top module is chosen, or named when there are several", () => {
  const two = `
module m1(input [7:0] A, B, output [15:0] O); assign O = {A, B}; endmodule
module m2(input [7:0] A, B, output [15:0] O); assign O = {B, A}; endmodule`;
  assert.throws(
    () => verilogToNetlist(two, "two.v"),
    /two\.v:2: expected one top-level module, found m1, m2/,
  );
  assertSameTable(
    simulateTable(verilogToNetlist(two, "two.v", { top: "m2" }).netlist),
    (a, b) => a + 256 * b,
    "m2",
  );
  // Ports found by shape when not named A, B, O.
  const named =
    "module p(x, y, z); input [7:0] x, y; output [15:0] z; assign z = {y, x}; endmodule";
  assertSameTable(
    simulateTable(verilogToNetlist(named, "p.v").netlist),
    (a, b) => a + 256 * b,
    "p.v",
  );
});

Deno.test("verilog import: bad files name the file, the line and what was expected", () => {
  const header = "module bad(input [7:0] A, input [7:0] B, output [15:0] O);\n";
  const cases: [string, string, RegExp][] = [
    [
      "missing semicolon",
      header + "  assign O = A\n  assign O = B;\nendmodule",
      /bad\.v:3: expected ',' or ';', found 'assign'/,
    ],
    [
      "undeclared",
      header + "  assign O = A & q;\nendmodule",
      /bad\.v:2: expected a declared wire or port, found undeclared 'q'/,
    ],
    [
      "driven twice",
      header + "  assign O = {A, B};\n  assign O[3] = 1'b1;\nendmodule",
      /bad\.v:3: 'O\[3\]' is driven twice \(at line 2 and line 3\)/,
    ],
    [
      "never driven",
      header + "  wire [3:0] w;\n  assign O = {A, w, B[3:0]};\nendmodule",
      /bad\.v:3: 'w\[0\]' is read but never driven \(declared at line 2\)/,
    ],
    [
      "undriven output",
      header + "  assign O[14:0] = 0;\nendmodule",
      /bad\.v:1: 'O\[15\]' is read but never driven/,
    ],
    [
      "gate loop",
      header +
      "  wire x, y;\n  assign x = y & A[0];\n  assign y = x | B[0];\n  assign O = {15'b0, x};\nendmodule",
      /bad\.v:[34]: combinational loop through the logic of lines [34], [34]/,
    ],
    [
      "wire loop",
      header +
      "  wire x, y;\n  assign x = y;\n  assign y = x;\n  assign O = {15'b0, x};\nendmodule",
      /bad\.v:[34]: combinational loop through '[xy]'/,
    ],
    [
      "driving an input",
      header + "  assign A[0] = 1'b0;\n  assign O = 0;\nendmodule",
      /bad\.v:2: 'A\[0\]' is an input and cannot be driven/,
    ],
    [
      "index out of range",
      header + "  assign O = {A[8], B};\nendmodule",
      /bad\.v:2: expected an index of A\[7:0\], found 8/,
    ],
    [
      "always block",
      header + "  always @(A) O = A;\nendmodule",
      /bad\.v:2: expected a declaration, assign or instance, found an always block/,
    ],
    [
      "reg",
      header + "  reg r;\nendmodule",
      /bad\.v:2: expected a declaration, assign or instance, found reg/,
    ],
    [
      "arithmetic",
      header + "  assign O = A * B;\nendmodule",
      /bad\.v:2: expected a bitwise operator, \+ or - \(other arithmetic and comparison operators are not supported\), found '\*'/,
    ],
    [
      "x constant",
      header + "  assign O = 16'bx;\nendmodule",
      /bad\.v:2: expected a constant of 0s and 1s/,
    ],
    [
      "unknown module",
      header + "  adder u (.a(A));\n  assign O = 0;\nendmodule",
      /bad\.v:2: expected a module defined in this file, found unknown module 'adder' \(defined: bad\)/,
    ],
    [
      "unknown port",
      "module h(input a, output y); assign y = a; endmodule\n" + header +
      "  h u (.a(A[0]), .q(O[0]));\n  assign O[15:1] = 0;\nendmodule",
      /bad\.v:3: expected a port of 'h' \(a, y\), found 'q'/,
    ],
    [
      "recursion",
      "module r(input a, output y); r u (.a(a), .y(y)); endmodule\n" + header +
      "  r u (.a(A[0]), .y(O[0]));\n  assign O[15:1] = 0;\nendmodule",
      /bad\.v:1: module 'r' instantiates itself \(bad -> r -> r\)/,
    ],
    [
      "ports",
      "module bad(input [3:0] A, input [7:0] B, output [15:0] O);\nendmodule",
      /bad\.v:1: expected module 'bad' to have inputs A\[7:0\], B\[7:0\] and output O\[15:0\], found input A\[4\], input B\[8\], output O\[16\]/,
    ],
    [
      "unterminated comment",
      header + "/* open\n\nendmodule",
      /bad\.v:2: expected '\*\/' to close the comment, found end of file/,
    ],
    [
      "no endmodule",
      header + "  assign O = 0;\n",
      /bad\.v:3: expected 'endmodule', found end of file/,
    ],
    ["no module", "wire x;", /bad\.v:1: expected 'module', found 'wire'/],
    [
      "duplicate module",
      header + "assign O = 0;\nendmodule\n" + header + "assign O = 0;\nendmodule",
      /bad\.v:4: module 'bad' is defined twice \(first at line 1\)/,
    ],
  ];
  for (const [label, text, message] of cases) {
    assert.throws(() => verilogToNetlist(text, "bad.v"), (e: Error) => {
      assert.match(e.message, message, label);
      return true;
    }, label);
  }
});

Deno.test("verilog export: every library circuit re-imports to the same table and cells", () => {
  for (const entry of CATALOGUE) {
    const netlist = entry.build();
    const text = netlistToVerilog(entry.name, netlist, `${entry.name}: ${entry.note}`);
    assert.ok(text.startsWith(`// ${entry.name}: `), entry.name);
    const back = verilogToNetlist(text, `${entry.name}.v`);
    assert.equal(back.module, entry.name);
    assertSameTable(simulateTable(back.netlist), simulateTable(netlist), entry.name);
    assert.deepEqual(
      cellCounts(back.netlist),
      cellCounts(netlist),
      `${entry.name}: cells survive the round trip`,
    );
  }
  assert.throws(() => netlistToVerilog("9bad", CATALOGUE[0].build()), /not a Verilog module name/);
});
