/**
 * The clean-up a logic synthesiser does before mapping: constant propagation, removal of
 * buffers and double inversions, sharing of identical cells, and removal of everything that
 * does not reach an output. Adders with a constant input shrink (FA with a 0 is an HA, FA with
 * a 1 is XNOR + OR), and adders of which only one output is used become plain gates. Last,
 * inverters are absorbed into the gates they follow and gate-level half and full adders
 * are mapped onto HA and FA cells.
 *
 * Generators build the regular structure of their family (dropping a partial product just
 * ties it to 0) and let this pass remove what became dead; imported netlists go through the
 * same pass, so both are characterised alike. The function never changes what a netlist
 * computes (tests check the tables).
 */
import { mapCells } from "./cell_mapping.ts";
import { NetlistBuilder } from "./builder.ts";
import {
  CELL_SHAPE,
  type CellKind,
  COMMUTATIVE,
  CONST0,
  CONST1,
  FIRST_CELL_WIRE,
  firstOutputs,
  type Netlist,
  operandsOf,
  wireCount,
} from "./netlist.ts";

const isConst = (w: number) => w === CONST0 || w === CONST1;

/** Wires whose value reaches an output. */
function liveWires(netlist: Netlist): Uint8Array {
  const live = new Uint8Array(wireCount(netlist));
  for (const w of netlist.outputs) live[w] = 1;
  const first = firstOutputs(netlist);
  for (let i = netlist.cells.length - 1; i >= 0; i--) {
    const cell = netlist.cells[i];
    let used = false;
    for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) used ||= live[first[i] + k] === 1;
    if (used) { for (const w of cell.inputs) live[w] = 1; }
  }
  return live;
}

/** Emits simplified cells into a builder, sharing identical ones. */
class Simplifier {
  readonly b = new NetlistBuilder();
  #shared = new Map<string, number[]>();
  /** For every NOT output, its input (so NOT NOT x is x). */
  #inverted = new Map<number, number>();

  #emit(kind: CellKind, inputs: number[]): number[] {
    const ins = COMMUTATIVE.has(kind) ? [...inputs].sort((x, y) => x - y) : inputs;
    const key = `${kind} ${ins.join(" ")}`;
    let outs = this.#shared.get(key);
    if (!outs) {
      outs = this.b.add(kind, ins);
      this.#shared.set(key, outs);
      if (kind === "NOT") this.#inverted.set(outs[0], ins[0]);
    }
    return outs;
  }

  /** a is b inverted or b is a inverted (x & ~x is 0, x ^ ~x is 1, ...). */
  #opposite(a: number, b: number): boolean {
    return isConst(a) && isConst(b)
      ? a !== b
      : this.#inverted.get(a) === b || this.#inverted.get(b) === a;
  }

  not(a: number): number {
    if (isConst(a)) return 1 - a;
    return this.#inverted.get(a) ?? this.#emit("NOT", [a])[0];
  }

  and(a: number, b: number): number {
    if (a === CONST0 || b === CONST0 || this.#opposite(a, b)) return CONST0;
    if (a === CONST1) return b;
    if (b === CONST1 || a === b) return a;
    return this.#emit("AND2", [a, b])[0];
  }

  or(a: number, b: number): number {
    if (a === CONST1 || b === CONST1 || this.#opposite(a, b)) return CONST1;
    if (a === CONST0) return b;
    if (b === CONST0 || a === b) return a;
    return this.#emit("OR2", [a, b])[0];
  }

  xor(a: number, b: number): number {
    if (a === b) return CONST0;
    if (this.#opposite(a, b)) return CONST1;
    if (a === CONST0) return b;
    if (b === CONST0) return a;
    if (a === CONST1) return this.not(b);
    if (b === CONST1) return this.not(a);
    return this.#emit("XOR2", [a, b])[0];
  }

  nand(a: number, b: number): number {
    if (isConst(a) || isConst(b) || a === b || this.#opposite(a, b)) {
      return this.not(this.and(a, b));
    }
    return this.#emit("NAND2", [a, b])[0];
  }

  nor(a: number, b: number): number {
    if (isConst(a) || isConst(b) || a === b || this.#opposite(a, b)) {
      return this.not(this.or(a, b));
    }
    return this.#emit("NOR2", [a, b])[0];
  }

  xnor(a: number, b: number): number {
    if (isConst(a) || isConst(b) || a === b || this.#opposite(a, b)) {
      return this.not(this.xor(a, b));
    }
    return this.#emit("XNOR2", [a, b])[0];
  }

  /** s ? d1 : d0. */
  mux(s: number, d0: number, d1: number): number {
    if (s === CONST0 || d0 === d1) return d0;
    if (s === CONST1) return d1;
    if (d0 === CONST0 && d1 === CONST1) return s;
    if (d0 === CONST1 && d1 === CONST0) return this.not(s);
    if (d0 === CONST0) return this.and(s, d1);
    if (d1 === CONST1) return this.or(s, d0);
    if (s === d1) return this.or(s, d0);
    if (s === d0) return this.and(s, d1);
    return this.#emit("MUX2", [s, d0, d1])[0];
  }

  /** [sum, carry]. */
  ha(a: number, b: number): [number, number] {
    if (isConst(a)) [a, b] = [b, a];
    if (b === CONST0) return [a, CONST0];
    if (b === CONST1) return [this.not(a), a];
    if (a === b) return [CONST0, a];
    if (this.#opposite(a, b)) return [CONST1, CONST0];
    const [s, c] = this.#emit("HA", [a, b]);
    return [s, c];
  }

  /** [sum, carry]. */
  fa(a: number, b: number, c: number): [number, number] {
    const ins = [a, b, c];
    const k = ins.findIndex(isConst);
    if (k >= 0) {
      const [x, y] = ins.filter((_, i) => i !== k);
      return ins[k] === CONST0 ? this.ha(x, y) : [this.xnor(x, y), this.or(x, y)];
    }
    if (a === b) return [c, a];
    if (a === c) return [b, a];
    if (b === c) return [a, b];
    // x + ~x + y = 1 + y: sum ~y, carry y.
    if (this.#opposite(a, b)) return [this.not(c), c];
    if (this.#opposite(a, c)) return [this.not(b), b];
    if (this.#opposite(b, c)) return [this.not(a), a];
    const [s, co] = this.#emit("FA", [a, b, c]);
    return [s, co];
  }

  /** Majority of three, when an FA's sum is not needed. */
  majority(a: number, b: number, c: number): number {
    const degenerate = [a, b, c].some(isConst) || a === b || a === c || b === c ||
      this.#opposite(a, b) || this.#opposite(a, c) || this.#opposite(b, c);
    if (degenerate) return this.fa(a, b, c)[1];
    return this.mux(this.xor(a, b), a, c);
  }
}

/** One pass: simplify every live cell in order. */
function simplifyOnce(netlist: Netlist): Netlist {
  const live = liveWires(netlist);
  const map = new Int32Array(wireCount(netlist));
  for (let w = 0; w < FIRST_CELL_WIRE; w++) map[w] = w;
  const first = firstOutputs(netlist);
  const s = new Simplifier();
  netlist.cells.forEach((cell, i) => {
    const o = first[i];
    const sumLive = live[o] === 1;
    const carryLive = CELL_SHAPE[cell.kind].outputs === 2 && live[o + 1] === 1;
    if (!sumLive && !carryLive) return;
    const [x, y, z] = cell.inputs.map((w) => map[w]);
    switch (cell.kind) {
      case "BUF":
        map[o] = x;
        break;
      case "NOT":
        map[o] = s.not(x);
        break;
      case "AND2":
        map[o] = s.and(x, y);
        break;
      case "OR2":
        map[o] = s.or(x, y);
        break;
      case "XOR2":
        map[o] = s.xor(x, y);
        break;
      case "NAND2":
        map[o] = s.nand(x, y);
        break;
      case "NOR2":
        map[o] = s.nor(x, y);
        break;
      case "XNOR2":
        map[o] = s.xnor(x, y);
        break;
      case "MUX2":
        map[o] = s.mux(x, y, z);
        break;
      case "HA":
        if (sumLive && carryLive) [map[o], map[o + 1]] = s.ha(x, y);
        else if (sumLive) map[o] = s.xor(x, y);
        else map[o + 1] = s.and(x, y);
        break;
      case "FA":
        if (sumLive && carryLive) [map[o], map[o + 1]] = s.fa(x, y, z);
        else if (sumLive) map[o] = s.xor(s.xor(x, y), z);
        else map[o + 1] = s.majority(x, y, z);
        break;
    }
  });
  return s.b.build(netlist.outputs.map((w) => map[w]), operandsOf(netlist));
}

/** Repeats `step` until the netlist stops changing. */
function untilStable(netlist: Netlist, step: (n: Netlist) => Netlist): Netlist {
  let current = netlist;
  let signature = JSON.stringify(current);
  for (let round = 0; round < 100; round++) {
    const next = step(current);
    const nextSignature = JSON.stringify(next);
    current = next;
    if (nextSignature === signature) break;
    signature = nextSignature;
  }
  return current;
}

/**
 * Simplifies until nothing changes, then maps gates onto cells by function
 * (cell_mapping.ts), and again while the mapping exposes more to simplify (a wire found equal
 * to another can make two cells identical). The result computes the same function.
 */
export function optimise(netlist: Netlist): Netlist {
  return untilStable(netlist, (n) => mapCells(untilStable(n, simplifyOnce)));
}
