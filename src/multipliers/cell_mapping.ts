/**
 * Maps gates onto the cells a synthesiser would pick, by what they compute rather than how
 * they are written, so that a circuit costs the same however its netlist is spelled. On the
 * truth tables of every wire's cuts (cuts.ts):
 * - a ^ b ^ c and majority(a, b, c) over the same three wires -> FA(a, b, c), whether the
 *   carry is written (a & b) | (c & (a ^ b)), (a & b) | (b & c) | (a & c), as a mux, in
 *   NANDs, and the sum as any chain of XORs;
 * - a ^ b and a & b over the same two wires -> HA(a, b);
 * - a 2:1 multiplexer of three wires (the AND-OR form, ...) -> MUX2;
 * - an AND, OR, XOR, NAND, NOR or XNOR of two wires (XOR in AND-OR form, ~(a & b) as a NOT
 *   and an AND, ...) -> that gate; a wire equal to another wire, its inverse or a constant
 *   -> that.
 * A match frees the cells only its own outputs use (its fanout-free cone) and is taken when
 * they cover at least the new cell's area, largest saving first; logic read elsewhere stays.
 * Inputs must have been shared already (optimise() does that first).
 */
import { CELL_AREA } from "./cost.ts";
import { type Cut, enumerateCuts, LEAF } from "./cuts.ts";
import {
  type Cell,
  CELL_SHAPE,
  type CellKind,
  COMMUTATIVE,
  FIRST_CELL_WIRE,
  firstOutputs,
  type Netlist,
  operandFields,
  operandsOf,
  wireCount,
} from "./netlist.ts";

interface Rewrite {
  /** Position of the new cells (the earliest cell it frees), or -1 for a plain rewiring. */
  at: number;
  /** New cells; an input -1 - k reads output k of the cells before it in this list. */
  cells: Cell[];
  /** Old wires and what replaces them: output k of the new cells, or an existing wire. */
  takes: [number, number][];
  aliases: [number, number][];
  freed: Set<number>;
}

/** Rebuilds a netlist with the rewrites applied (they free disjoint sets of cells). */
function rebuild(netlist: Netlist, rewrites: Rewrite[]): Netlist {
  const first = firstOutputs(netlist);
  const map = new Int32Array(wireCount(netlist)).fill(-1);
  for (let w = 0; w < FIRST_CELL_WIRE; w++) map[w] = w;
  const at = new Map(rewrites.filter((r) => r.cells.length).map((r) => [r.at, r]));
  const dropped = new Set(rewrites.flatMap((r) => [...r.freed]));
  const alias = new Map(rewrites.flatMap((r) => r.aliases));
  const mapped = (w: number) => {
    if (map[w] < 0) throw new Error(`cell mapping: wire ${w} used before it is placed`);
    return map[w];
  };
  const cells: Cell[] = [];
  let next = FIRST_CELL_WIRE;
  netlist.cells.forEach((cell, i) => {
    const r = at.get(i);
    if (r) {
      const base = next;
      for (const c of r.cells) {
        cells.push({
          kind: c.kind,
          inputs: c.inputs.map((w) => (w < 0 ? base - 1 - w : mapped(w))),
        });
        next += CELL_SHAPE[c.kind].outputs;
      }
      for (const [old, k] of r.takes) map[old] = base + k;
    }
    if (dropped.has(i)) {
      // Aliased outputs point at wires placed earlier (leaves precede their cone).
      for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) {
        const target = alias.get(first[i] + k);
        if (target !== undefined) map[first[i] + k] = mapped(target);
      }
      return;
    }
    cells.push({ kind: cell.kind, inputs: cell.inputs.map(mapped) });
    for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) map[first[i] + k] = next + k;
    next += CELL_SHAPE[cell.kind].outputs;
  });
  return {
    cells,
    outputs: netlist.outputs.map(mapped),
    ...operandFields(operandsOf(netlist)),
  };
}

/** Which cells read each wire, and which wires are netlist outputs. */
function readers(netlist: Netlist): { readers: number[][]; isOutput: Uint8Array } {
  const list: number[][] = Array.from({ length: wireCount(netlist) }, () => []);
  netlist.cells.forEach((c, i) => c.inputs.forEach((w) => list[w].push(i)));
  const isOutput = new Uint8Array(list.length);
  for (const w of netlist.outputs) isOutput[w] = 1;
  return { readers: list, isOutput };
}

/** A function found on a cut: a cell over the leaves, or (kind null) an existing wire. */
interface Match {
  kind: CellKind | null;
  inputs: number[];
  /** The wires it computes, in the order of the cell's outputs. */
  roots: number[];
}

const XOR3 = LEAF[0] ^ LEAF[1] ^ LEAF[2];
const MAJ3 = (LEAF[0] & LEAF[1]) | (LEAF[0] & LEAF[2]) | (LEAF[1] & LEAF[2]);
/** Two-input gates by their table over v0, v1. */
const GATES: [CellKind, number][] = [
  ["AND2", LEAF[0] & LEAF[1]],
  ["OR2", LEAF[0] | LEAF[1]],
  ["XOR2", LEAF[0] ^ LEAF[1]],
  ["NAND2", ~(LEAF[0] & LEAF[1]) & 0xff],
  ["NOR2", ~(LEAF[0] | LEAF[1]) & 0xff],
  ["XNOR2", ~(LEAF[0] ^ LEAF[1]) & 0xff],
];
/** s ? d1 : d0 for every assignment of the three leaves to (s, d0, d1). */
const MUXES: [number, [number, number, number]][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
].map(([s, d0, d1]) => [
  (LEAF[s] & LEAF[d1]) | (~LEAF[s] & LEAF[d0] & 0xff),
  [s, d0, d1] as [number, number, number],
]);

/** Every match on the cuts, adders first (they must win over the gates inside them). */
function findMatches(cuts: Cut[][]): Match[] {
  const sums = new Map<string, number>(), carries = new Map<string, number>();
  const halfSums = new Map<string, number>(), halfCarries = new Map<string, number>();
  const rest: Match[] = [];
  for (let w = FIRST_CELL_WIRE; w < cuts.length; w++) {
    for (const { leaves, table } of cuts[w].slice(1)) {
      const k = leaves.join(" ");
      if (leaves.length === 3) {
        if (table === XOR3 && !sums.has(k)) sums.set(k, w);
        if (table === MAJ3 && !carries.has(k)) carries.set(k, w);
        const mux = MUXES.find(([t]) => t === table);
        if (mux) rest.push({ kind: "MUX2", inputs: mux[1].map((x) => leaves[x]), roots: [w] });
      } else if (leaves.length === 2) {
        if (table === GATES[2][1] && !halfSums.has(k)) halfSums.set(k, w);
        if (table === GATES[0][1] && !halfCarries.has(k)) halfCarries.set(k, w);
        const gate = GATES.find(([, t]) => t === table);
        if (gate) rest.push({ kind: gate[0], inputs: leaves, roots: [w] });
      } else if (leaves.length === 1) {
        if (table === LEAF[0]) rest.push({ kind: null, inputs: leaves, roots: [w] });
        if (table === (~LEAF[0] & 0xff)) rest.push({ kind: "NOT", inputs: leaves, roots: [w] });
      } else {
        rest.push({ kind: null, inputs: [table ? 1 : 0], roots: [w] });
      }
    }
  }
  const adders = (kind: CellKind, s: Map<string, number>, c: Map<string, number>): Match[] =>
    [...s].filter(([k]) => c.has(k)).map(([k, w]) => ({
      kind,
      inputs: k.split(" ").map(Number),
      roots: [w, c.get(k)!],
    }));
  return [...adders("FA", sums, carries), ...adders("HA", halfSums, halfCarries), ...rest];
}

/**
 * The cells a match frees: those whose every output is a root or is read only by freed
 * cells, found from the roots' drivers down to the leaves.
 */
function freedCells(
  netlist: Netlist,
  match: Match,
  driver: Int32Array,
  first: Int32Array,
  read: { readers: number[][]; isOutput: Uint8Array },
): Set<number> {
  const leaves = new Set(match.inputs);
  const roots = new Set(match.roots);
  const cone = new Set<number>();
  const stack = match.roots.map((w) => driver[w]);
  while (stack.length) {
    const i = stack.pop()!;
    if (i < 0 || cone.has(i)) continue;
    cone.add(i);
    for (const w of netlist.cells[i].inputs) if (!leaves.has(w)) stack.push(driver[w]);
  }
  const freed = new Set<number>();
  for (const i of [...cone].sort((x, y) => y - x)) {
    const outputs = CELL_SHAPE[netlist.cells[i].kind].outputs;
    let free = true;
    for (let k = 0; k < outputs && free; k++) {
      const w = first[i] + k;
      if (roots.has(w)) continue;
      free = !read.isOutput[w] && read.readers[w].every((r) => freed.has(r));
    }
    if (free) freed.add(i);
  }
  return freed;
}

/** True when the match is a cell that is already there. */
function isItself(netlist: Netlist, match: Match, driver: Int32Array, first: Int32Array): boolean {
  if (match.kind === null) return false;
  const i = driver[match.roots[0]];
  const cell = netlist.cells[i];
  if (cell.kind !== match.kind || match.roots.some((w, k) => w !== first[i] + k)) return false;
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y).join(" ");
  return COMMUTATIVE.has(cell.kind)
    ? sorted(cell.inputs) === sorted(match.inputs)
    : cell.inputs.join(" ") === match.inputs.join(" ");
}

/**
 * One round: the profitable, non-overlapping matches as rewrites, the largest saving of area
 * first (a full adder over its gates before a gate inside it; a gate that removes more than a
 * zero-gain half adder before it).
 */
function chooseRewrites(netlist: Netlist): Rewrite[] {
  const first = firstOutputs(netlist);
  const driver = new Int32Array(wireCount(netlist)).fill(-1);
  netlist.cells.forEach((c, i) => {
    for (let k = 0; k < CELL_SHAPE[c.kind].outputs; k++) driver[first[i] + k] = i;
  });
  const read = readers(netlist);
  const candidates: { match: Match; at: number; freed: Set<number>; gain: number }[] = [];
  for (const match of findMatches(enumerateCuts(netlist))) {
    if (isItself(netlist, match, driver, first)) continue;
    const rootDrivers = match.roots.map((w) => driver[w]);
    const at = Math.min(...rootDrivers);
    // The new cell sits at its earliest root and must come after every leaf.
    if (match.inputs.some((w) => driver[w] >= at)) continue;
    const freed = freedCells(netlist, match, driver, first, read);
    if (rootDrivers.some((i) => !freed.has(i))) continue;
    let area = 0;
    for (const i of freed) area += CELL_AREA[netlist.cells[i].kind];
    const gain = area - (match.kind === null ? 0 : CELL_AREA[match.kind]);
    // Equal area is a gain only when cells merge (XOR2 + AND2 -> HA), not a swap of one cell.
    if (gain < -1e-9 || (gain < 1e-9 && freed.size === 1)) continue;
    candidates.push({ match, at, freed, gain });
  }
  candidates.sort((x, y) => y.gain - x.gain);
  const taken = new Set<number>();
  /** Roots of rewrites taken: they live on (remapped), so later matches may read them. */
  const remapped = new Set<number>();
  const rewrites: Rewrite[] = [];
  for (const { match, at, freed } of candidates) {
    if ([...freed].some((i) => taken.has(i))) continue;
    if (match.inputs.some((w) => taken.has(driver[w]) && !remapped.has(w))) continue;
    for (const i of freed) taken.add(i);
    for (const w of match.roots) remapped.add(w);
    rewrites.push(
      match.kind === null
        ? { at: -1, cells: [], takes: [], aliases: [[match.roots[0], match.inputs[0]]], freed }
        : {
          at,
          cells: [{ kind: match.kind, inputs: match.inputs }],
          takes: match.roots.map((w, k) => [w, k]),
          aliases: [],
          freed,
        },
    );
  }
  return rewrites;
}

/**
 * HA cells as XOR2 + AND2 (the same area), so that a half adder given as a cell and one
 * written as gates are matched alike (a full adder may absorb either).
 */
function splitHalfAdders(netlist: Netlist): Netlist {
  if (!netlist.cells.some((c) => c.kind === "HA")) return netlist;
  const first = firstOutputs(netlist);
  const map = new Int32Array(wireCount(netlist));
  for (let w = 0; w < FIRST_CELL_WIRE; w++) map[w] = w;
  const cells: Cell[] = [];
  let next = FIRST_CELL_WIRE;
  netlist.cells.forEach((cell, i) => {
    const inputs = cell.inputs.map((w) => map[w]);
    const parts: Cell[] = cell.kind === "HA"
      ? [{ kind: "XOR2", inputs }, { kind: "AND2", inputs: [...inputs] }]
      : [{ kind: cell.kind, inputs }];
    for (const part of parts) cells.push(part);
    for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) map[first[i] + k] = next + k;
    next += CELL_SHAPE[cell.kind].outputs;
  });
  return {
    cells,
    outputs: netlist.outputs.map((w) => map[w]),
    ...operandFields(operandsOf(netlist)),
  };
}

/** Inverters into gates, then functional matching until nothing more maps. */
export function mapCells(netlist: Netlist): Netlist {
  let current = splitHalfAdders(netlist);
  for (let round = 0; round < 50; round++) {
    const rewrites = chooseRewrites(current);
    if (!rewrites.length) break;
    current = rebuild(current, rewrites);
  }
  return current;
}
