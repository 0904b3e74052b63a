/**
 * Cuts of a netlist, as cut-based technology mappers use them: for every wire, sets of at
 * most three other wires (its leaves) that determine it, each with the wire's truth table
 * over them. Matching on truth tables recognises a function however its gates are written.
 *
 * A cut's leaves need not precede the wire: a wire read through an inverter also has the
 * inverter's output as a leaf. Tables are exact for every value the leaves can take
 * together, which is all a replacement needs.
 *
 * A truth table is 8 bits over leaves v0, v1, v2 (patterns 0xaa, 0xcc, 0xf0): bit m is the
 * value when leaf k reads bit k of m. A function of fewer leaves ignores the higher ones.
 */
import {
  CELL_SHAPE,
  type CellKind,
  CONST0,
  CONST1,
  FIRST_CELL_WIRE,
  firstOutputs,
  type Netlist,
  wireCount,
} from "./netlist.ts";

export interface Cut {
  /** Leaf wires, ascending. */
  leaves: number[];
  /** Truth table over the leaves (8 bits). */
  table: number;
}

export const MAX_LEAVES = 3;
/** Leaf patterns v0, v1, v2. */
export const LEAF = [0xaa, 0xcc, 0xf0] as const;
/** Cuts kept per wire: the smallest, then those nearest the wire (enough for adders). */
const MAX_CUTS = 12;

/** The sorted union of two leaf lists, or null when it has more than MAX_LEAVES wires. */
function union(a: number[], b: number[]): number[] | null {
  const out = [...a];
  for (const x of b) {
    if (out.includes(x)) continue;
    if (out.length === MAX_LEAVES) return null;
    out.push(x);
  }
  return out.sort((p, q) => p - q);
}

/** `table` over `from` re-expressed over `to` (a superset of `from`). */
export function expandTable(table: number, from: number[], to: number[]): number {
  return expansion(from, to)[table];
}

/** Every table's expansion for one placement of `from`'s leaves among `to`'s, memoised. */
const expansions = new Map<number, Uint8Array>();
function expansion(from: number[], to: number[]): Uint8Array {
  let code = from.length;
  for (const w of from) code = code * 4 + to.indexOf(w);
  let lookup = expansions.get(code);
  if (!lookup) {
    const position = from.map((w) => to.indexOf(w));
    lookup = new Uint8Array(256);
    for (let table = 0; table < 256; table++) {
      let out = 0;
      for (let m = 0; m < 8; m++) {
        let index = 0;
        position.forEach((p, k) => (index |= ((m >> p) & 1) << k));
        out |= ((table >> index) & 1) << m;
      }
      lookup[table] = out;
    }
    expansions.set(code, lookup);
  }
  return lookup;
}

/** Truth tables of a cell's outputs from those of its inputs. */
export function cellTables(kind: CellKind, x: number, y: number, z: number): number[] {
  switch (kind) {
    case "BUF":
      return [x];
    case "NOT":
      return [~x & 0xff];
    case "AND2":
      return [x & y];
    case "OR2":
      return [x | y];
    case "XOR2":
      return [x ^ y];
    case "NAND2":
      return [~(x & y) & 0xff];
    case "NOR2":
      return [~(x | y) & 0xff];
    case "XNOR2":
      return [~(x ^ y) & 0xff];
    case "MUX2":
      return [(y & ~x) | (z & x)];
    case "HA":
      return [x ^ y, x & y];
    case "FA":
      return [x ^ y ^ z, (x & y) | (x & z) | (y & z)];
  }
}

/** Keeps distinct cuts, smallest first, then those whose leaves are nearest (latest wires). */
function prune(cuts: Cut[]): Cut[] {
  const seen = new Map<string, Cut & { sum: number }>();
  for (const c of cuts) {
    const k = c.leaves.join(" ");
    if (!seen.has(k)) seen.set(k, { ...c, sum: c.leaves.reduce((s, w) => s + w, 0) });
  }
  return [...seen.values()]
    .sort((p, q) => p.leaves.length - q.leaves.length || q.sum - p.sum)
    .slice(0, MAX_CUTS)
    .map(({ leaves, table }) => ({ leaves, table }));
}

/** Input tables of a cell over a common leaf set, for every way to pick one cut per input. */
interface Choice {
  leaves: number[];
  tables: number[];
}

/** Every choice of one cut from `cuts` added to every choice so far (within MAX_LEAVES). */
function extend(choices: Choice[], cuts: Cut[]): Choice[] {
  const out: Choice[] = [];
  for (const choice of choices) {
    for (const c of cuts) {
      const leaves = union(choice.leaves, c.leaves);
      if (!leaves) continue;
      const tables = choice.tables.map((t) => expandTable(t, choice.leaves, leaves));
      tables.push(expandTable(c.table, c.leaves, leaves));
      out.push({ leaves, tables });
    }
  }
  return out;
}

/** Every wire's cuts (index = wire number); a cell output's first cut is the wire itself. */
export function enumerateCuts(netlist: Netlist): Cut[][] {
  const cuts: Cut[][] = new Array(wireCount(netlist));
  cuts[CONST0] = [{ leaves: [], table: 0 }];
  cuts[CONST1] = [{ leaves: [], table: 0xff }];
  for (let w = 2; w < FIRST_CELL_WIRE; w++) cuts[w] = [{ leaves: [w], table: LEAF[0] }];
  const first = firstOutputs(netlist);
  netlist.cells.forEach((cell, i) => {
    const outputs = CELL_SHAPE[cell.kind].outputs;
    const found: Cut[][] = Array.from({ length: outputs }, () => []);
    let choices: Choice[] = [{ leaves: [], tables: [] }];
    // A full adder is already the largest cell: cuts through it are only its own inputs.
    const through = (w: number) => (cell.kind === "FA" ? cuts[w].slice(0, 1) : cuts[w]);
    for (const w of cell.inputs) choices = extend(choices, through(w));
    for (const { leaves, tables: [x, y, z] } of choices) {
      cellTables(cell.kind, x, y ?? 0, z ?? 0).forEach((table, o) =>
        found[o].push({ leaves, table })
      );
    }
    for (let o = 0; o < outputs; o++) {
      const w = first[i] + o;
      cuts[w] = [{ leaves: [w], table: LEAF[0] }, ...prune(found[o])];
    }
    // x and NOT x are one signal in two polarities: later readers of x may see it as ~(NOT x)
    // (an XOR in AND-OR form reads the inverse of a carry that is itself a NOT).
    const x = cell.inputs[0];
    if (cell.kind === "NOT" && x >= FIRST_CELL_WIRE) {
      cuts[x] = [...cuts[x], { leaves: [first[i]], table: ~LEAF[0] & 0xff }];
    }
  });
  return cuts;
}
