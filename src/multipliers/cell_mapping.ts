/**
 * Maps gates onto the cells a synthesiser would pick, so that a circuit costs the same
 * whether it arrives as cells or as gates:
 * - NOT of a gate read only by that NOT                -> the complementary gate
 *   (~(a & b) -> NAND2, ~(a ~^ b) -> XOR2, ...)
 * - XOR2(a, b) next to AND2(a, b)                      -> HA(a, b)
 * - HA(a, b) = (t, g), HA(t, c) = (s, h), OR2(g, h)    -> FA(a, b, c) = (s, OR output)
 *   (the usual `s = a ^ b ^ c; co = (a & b) | (c & (a ^ b))` becomes exactly this)
 * Inputs must have been shared already (optimise() does that first).
 */
import {
  type Cell,
  CELL_SHAPE,
  type CellKind,
  FIRST_CELL_WIRE,
  firstOutputs,
  type Netlist,
  wireCount,
} from "./netlist.ts";

/** Rebuilds a netlist where some cells are replaced (at their position) or dropped. */
function rebuild(
  netlist: Netlist,
  replace: Map<number, { cell: Cell; takes: [number, number][] }>,
  drop: Set<number>,
): Netlist {
  const first = firstOutputs(netlist);
  const map = new Int32Array(wireCount(netlist)).fill(-1);
  for (let w = 0; w < FIRST_CELL_WIRE; w++) map[w] = w;
  const cells: Cell[] = [];
  let next = FIRST_CELL_WIRE;
  // Outputs of replaced cells may be read before their replacement is emitted only if the
  // replacement sits at the earliest of the cells it absorbs; callers guarantee that.
  netlist.cells.forEach((cell, i) => {
    if (drop.has(i)) return;
    const r = replace.get(i);
    const emitted = r ? r.cell : cell;
    const inputs = emitted.inputs.map((w) => {
      if (map[w] < 0) throw new Error(`adder mapping: wire ${w} used before it is placed`);
      return map[w];
    });
    cells.push({ kind: emitted.kind, inputs });
    if (r) {
      for (const [oldWire, k] of r.takes) map[oldWire] = next + k;
    } else {
      for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) map[first[i] + k] = next + k;
    }
    next += CELL_SHAPE[emitted.kind].outputs;
  });
  return { cells, outputs: netlist.outputs.map((w) => map[w]) };
}

function fanouts(netlist: Netlist): Int32Array {
  const fanout = new Int32Array(wireCount(netlist));
  for (const c of netlist.cells) for (const w of c.inputs) fanout[w]++;
  for (const w of netlist.outputs) fanout[w]++;
  return fanout;
}

const pairKey = (a: number, b: number) => (a < b ? `${a} ${b}` : `${b} ${a}`);

/** XOR2 + AND2 of the same two wires -> one HA. */
function extractHalfAdders(netlist: Netlist): Netlist {
  const first = firstOutputs(netlist);
  const ands = new Map<string, number>();
  netlist.cells.forEach((c, i) => {
    if (c.kind === "AND2") ands.set(pairKey(c.inputs[0], c.inputs[1]), i);
  });
  const replace = new Map<number, { cell: Cell; takes: [number, number][] }>();
  const drop = new Set<number>();
  netlist.cells.forEach((c, i) => {
    if (c.kind !== "XOR2") return;
    const j = ands.get(pairKey(c.inputs[0], c.inputs[1]));
    if (j === undefined || drop.has(j) || replace.has(j)) return;
    const at = Math.min(i, j), other = Math.max(i, j);
    replace.set(at, {
      cell: { kind: "HA", inputs: [...c.inputs] },
      takes: [[first[i], 0], [first[j], 1]],
    });
    drop.add(other);
  });
  return replace.size ? rebuild(netlist, replace, drop) : netlist;
}

/** HA, HA on its sum, OR of both carries -> one FA. */
function extractFullAdders(netlist: Netlist): Netlist {
  const first = firstOutputs(netlist);
  const fanout = fanouts(netlist);
  const cellOf = new Map<number, number>();
  netlist.cells.forEach((c, i) => {
    for (let k = 0; k < CELL_SHAPE[c.kind].outputs; k++) cellOf.set(first[i] + k, i);
  });
  const replace = new Map<number, { cell: Cell; takes: [number, number][] }>();
  const drop = new Set<number>();
  const taken = new Set<number>();
  netlist.cells.forEach((or, k) => {
    if (or.kind !== "OR2") return;
    const [x, y] = or.inputs;
    const p0 = cellOf.get(x), q0 = cellOf.get(y);
    if (p0 === undefined || q0 === undefined || p0 === q0) return;
    // Order the two half adders: q reads p's sum.
    for (const [p, q] of [[p0, q0], [q0, p0]]) {
      const hp = netlist.cells[p], hq = netlist.cells[q];
      if (hp.kind !== "HA" || hq.kind !== "HA") continue;
      const pSum = first[p], pCarry = first[p] + 1, qCarry = first[q] + 1;
      if (!or.inputs.includes(pCarry) || !or.inputs.includes(qCarry)) continue;
      const t = hq.inputs.indexOf(pSum);
      if (t < 0 || fanout[pSum] !== 1 || fanout[pCarry] !== 1 || fanout[qCarry] !== 1) continue;
      if (taken.has(p) || taken.has(q) || taken.has(k)) continue;
      const c = hq.inputs[1 - t];
      replace.set(q, {
        cell: { kind: "FA", inputs: [hp.inputs[0], hp.inputs[1], c] },
        takes: [[first[q], 0], [first[k], 1]],
      });
      drop.add(p);
      drop.add(k);
      taken.add(p).add(q).add(k);
      break;
    }
  });
  return replace.size ? rebuild(netlist, replace, drop) : netlist;
}

const COMPLEMENT: Partial<Record<CellKind, CellKind>> = {
  AND2: "NAND2",
  NAND2: "AND2",
  OR2: "NOR2",
  NOR2: "OR2",
  XOR2: "XNOR2",
  XNOR2: "XOR2",
};

/** NOT(g(a, b)) with g read only by the NOT -> complement-of-g(a, b). */
function absorbInverters(netlist: Netlist): Netlist {
  const first = firstOutputs(netlist);
  const fanout = fanouts(netlist);
  const cellOf = new Map<number, number>();
  netlist.cells.forEach((_, i) => cellOf.set(first[i], i));
  const replace = new Map<number, { cell: Cell; takes: [number, number][] }>();
  const drop = new Set<number>();
  netlist.cells.forEach((c, i) => {
    if (c.kind !== "NOT" || fanout[c.inputs[0]] !== 1) return;
    const j = cellOf.get(c.inputs[0]);
    if (j === undefined) return;
    const inner = netlist.cells[j];
    const kind = COMPLEMENT[inner.kind];
    if (!kind) return;
    replace.set(i, { cell: { kind, inputs: [...inner.inputs] }, takes: [[first[i], 0]] });
    drop.add(j);
  });
  return replace.size ? rebuild(netlist, replace, drop) : netlist;
}

/** Inverters into gates, then half adders, then full adders built from them. */
export function mapCells(netlist: Netlist): Netlist {
  return extractFullAdders(extractHalfAdders(absorbInverters(netlist)));
}
