/**
 * Plain one-pair-at-a-time evaluation of a netlist: the reference the bit-parallel simulator
 * (simulate.ts) is tested against.
 */
import {
  CONST1,
  firstOutputs,
  type Netlist,
  OPERAND_BITS,
  wireA,
  wireB,
  wireCount,
} from "./netlist.ts";

/** The value (0 or 1) of every wire for operands a and b. */
export function wireValuesAt(netlist: Netlist, a: number, b: number): Uint8Array {
  const v = new Uint8Array(wireCount(netlist));
  v[CONST1] = 1;
  for (let i = 0; i < OPERAND_BITS; i++) {
    v[wireA(i)] = (a >> i) & 1;
    v[wireB(i)] = (b >> i) & 1;
  }
  const first = firstOutputs(netlist);
  netlist.cells.forEach((cell, i) => {
    const [x, y, z] = cell.inputs.map((w) => v[w]);
    const o = first[i];
    switch (cell.kind) {
      case "BUF":
        v[o] = x;
        break;
      case "NOT":
        v[o] = x ? 0 : 1;
        break;
      case "AND2":
        v[o] = x && y ? 1 : 0;
        break;
      case "OR2":
        v[o] = x || y ? 1 : 0;
        break;
      case "XOR2":
        v[o] = x !== y ? 1 : 0;
        break;
      case "NAND2":
        v[o] = x && y ? 0 : 1;
        break;
      case "NOR2":
        v[o] = x || y ? 0 : 1;
        break;
      case "XNOR2":
        v[o] = x === y ? 1 : 0;
        break;
      case "MUX2":
        v[o] = x ? z : y;
        break;
      case "HA":
        v[o] = (x + y) & 1;
        v[o + 1] = (x + y) >> 1;
        break;
      case "FA":
        v[o] = (x + y + z) & 1;
        v[o + 1] = (x + y + z) >> 1;
        break;
    }
  });
  return v;
}

/** O[15:0] for operands a and b. */
export function evaluateAt(netlist: Netlist, a: number, b: number): number {
  const v = wireValuesAt(netlist, a, b);
  return netlist.outputs.reduce((sum, w, k) => sum + v[w] * 2 ** k, 0);
}
