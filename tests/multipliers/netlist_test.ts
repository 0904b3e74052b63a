import assert from "node:assert/strict";
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import {
  cellCounts,
  FIRST_CELL_WIRE,
  type Netlist,
  NetlistError,
  validateNetlist,
  wireA,
  wireB,
  wireCount,
  wireName,
} from "../../src/multipliers/netlist.ts";
import { netlistFromJson, netlistToJson } from "../../src/multipliers/netlist_file.ts";
import { randomNetlist } from "./_netlists.ts";

const zeros = Array(16).fill(0);

Deno.test("netlist: wire numbering of constants, operands and cell outputs", () => {
  assert.equal(wireA(0), 2);
  assert.equal(wireB(7), 17);
  assert.equal(FIRST_CELL_WIRE, 18);
  assert.deepEqual([0, 1, 2, 9, 10, 17, 18].map(wireName), [
    "0",
    "1",
    "A[0]",
    "A[7]",
    "B[0]",
    "B[7]",
    "n18",
  ]);
  const b = new NetlistBuilder();
  const p = b.and(wireA(0), wireB(0));
  const [s, c] = b.fa(p, wireA(1), wireB(1));
  const m = b.mux(s, c, p);
  assert.deepEqual([p, s, c, m], [18, 19, 20, 21]);
  const n = b.build([m]);
  assert.equal(wireCount(n), 22);
  assert.deepEqual(cellCounts(n), { AND2: 1, MUX2: 1, FA: 1 });
  assert.deepEqual(n.outputs.slice(1), Array(15).fill(0), "missing outputs read 0");
});

Deno.test("netlist: validation names the cell and what is wrong", () => {
  const cases: [string, Netlist, RegExp][] = [
    [
      "unknown kind",
      { cells: [{ kind: "AND3" as "AND2", inputs: [2, 3, 4] }], outputs: zeros },
      /cell 0: unknown kind 'AND3'/,
    ],
    [
      "arity",
      { cells: [{ kind: "FA", inputs: [2, 3] }], outputs: zeros },
      /cell 0 \(FA\): expected 3 inputs, found 2/,
    ],
    [
      "forward reference (a loop)",
      { cells: [{ kind: "NOT", inputs: [18] }], outputs: zeros },
      /cell 0 \(NOT\): input wire 18 is not driven before it/,
    ],
    ["negative wire", { cells: [{ kind: "NOT", inputs: [-1] }], outputs: zeros }, /input wire -1/],
    ["16 outputs", { cells: [], outputs: [0, 1] }, /outputs: expected 16 wires, found 2/],
    ["missing output wire", {
      cells: [{ kind: "HA", inputs: [2, 3] }],
      outputs: [...zeros.slice(1), 20],
    }, /output O\[15\]: wire 20 does not exist \(0\.\.19\)/],
  ];
  for (const [label, netlist, message] of cases) {
    assert.throws(
      () => validateNetlist(netlist),
      (e: Error) => e instanceof NetlistError && message.test(e.message),
      label,
    );
  }
  // The same cell reading an earlier cell's second output is fine.
  validateNetlist({
    cells: [{ kind: "HA", inputs: [2, 3] }, { kind: "NOT", inputs: [19] }],
    outputs: zeros,
  });
});

Deno.test("netlist file: round trip, one cell per line, errors name the file", () => {
  for (const seed of [1, 2]) {
    const n = randomNetlist(seed, 40);
    const text = netlistToJson(`r${seed}`, n);
    assert.equal(text.split("\n").filter((l) => l.startsWith("    [")).length, n.cells.length);
    const back = netlistFromJson(text, "r.json");
    assert.equal(back.name, `r${seed}`);
    assert.deepEqual(back.netlist, n);
  }
  assert.throws(() => netlistFromJson("{", "bad.json"), /bad\.json: not JSON/);
  assert.throws(
    () => netlistFromJson('{"format":"x"}', "bad.json"),
    /bad\.json: expected format "approxnas-netlist\/1"/,
  );
  const broken = netlistToJson("b", randomNetlist(3, 5)).replace(
    '"outputs": [',
    '"outputs": [999, ',
  );
  assert.throws(
    () => netlistFromJson(broken, "broken.json"),
    /broken\.json: outputs: expected 16 wires, found 17/,
  );
});

Deno.test("builder: refuses reading wires not driven yet and wrong arities", () => {
  const b = new NetlistBuilder();
  assert.throws(() => b.and(2, 18), /not driven yet/);
  assert.throws(() => b.add("MUX2", [2, 3]), /MUX2 takes 3 inputs, given 2/);
  assert.equal(b.orAll([]), 0);
  assert.equal(b.andAll([]), 1);
  assert.equal(b.orAll([5]), 5);
});
