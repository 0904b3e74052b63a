/**
 * Gate-level netlists of 8x8 and 8xN-bit multipliers: inputs A[7:0] (the activation operand)
 * and B[N-1:0] (the weight operand, N = 2..8), output O[15:0]; unsigned or two's complement.
 *
 * Wires are numbered, and the numbering is the whole connectivity:
 * - wire 0 is constant 0, wire 1 is constant 1,
 * - wires 2..9 are A[0..7], wires 10..17 are B[0..7] (an 8xN netlist never reads B[N..7], so
 *   every netlist has the same numbering and simulates over the same 65,536 pairs),
 * - then every cell, in list order, drives the next free wire numbers, one per output
 *   (HA and FA drive two: sum, then carry).
 * A cell may only read wires below its own first output, so a netlist in this form is acyclic
 * and every wire has exactly one driver by construction; `validateNetlist` checks the rest
 * (known kinds, arities, wire ranges). Importers that start from named wires (Verilog) check
 * single drivers and loops themselves and then number the cells in topological order.
 *
 * Cells (inputs -> outputs):
 * - BUF a, NOT a; AND2 OR2 XOR2 NAND2 NOR2 XNOR2 a b
 * - MUX2 s d0 d1 -> (s ? d1 : d0)
 * - HA a b -> sum carry;  FA a b c -> sum carry (half and full adders kept as cells, because
 *   they are cells of every standard-cell library and the array multiplier is counted in them)
 */

export const CELL_KINDS = [
  "BUF",
  "NOT",
  "AND2",
  "OR2",
  "XOR2",
  "NAND2",
  "NOR2",
  "XNOR2",
  "MUX2",
  "HA",
  "FA",
] as const;

export type CellKind = typeof CELL_KINDS[number];

/** Number of inputs and outputs of each cell kind. */
export const CELL_SHAPE: Readonly<Record<CellKind, { inputs: number; outputs: number }>> = {
  BUF: { inputs: 1, outputs: 1 },
  NOT: { inputs: 1, outputs: 1 },
  AND2: { inputs: 2, outputs: 1 },
  OR2: { inputs: 2, outputs: 1 },
  XOR2: { inputs: 2, outputs: 1 },
  NAND2: { inputs: 2, outputs: 1 },
  NOR2: { inputs: 2, outputs: 1 },
  XNOR2: { inputs: 2, outputs: 1 },
  MUX2: { inputs: 3, outputs: 1 },
  HA: { inputs: 2, outputs: 2 },
  FA: { inputs: 3, outputs: 2 },
};

/** Cells whose inputs may be swapped without changing what they compute. */
export const COMMUTATIVE: ReadonlySet<CellKind> = new Set([
  "AND2",
  "OR2",
  "XOR2",
  "NAND2",
  "NOR2",
  "XNOR2",
  "HA",
  "FA",
]);

export const CONST0 = 0;
export const CONST1 = 1;
export const OPERAND_BITS = 8;
export const PRODUCT_BITS = 16;
/** First wire driven by a cell. */
export const FIRST_CELL_WIRE = 2 + 2 * OPERAND_BITS;

/** Wire of A[i]. */
export function wireA(i: number): number {
  return 2 + i;
}

/** Wire of B[i]. */
export function wireB(i: number): number {
  return 2 + OPERAND_BITS + i;
}

export interface Cell {
  kind: CellKind;
  /** Wires read, in the order of the kind's inputs. */
  inputs: number[];
}

export interface Netlist {
  cells: Cell[];
  /**
   * Wires of O[0..15]; any wire, constants and operand bits included. The product of an 8xN
   * multiplier has 8 + N bits: the bits above are 0 (unsigned) or copies of its sign bit.
   */
  outputs: number[];
  /** Width N of the weight operand B, 2..8; absent means 8. */
  weightBits?: number;
  /** Operands and product are two's complement; absent means unsigned. */
  signed?: boolean;
}

/** How a multiplier reads its operands: the width of B and the number format. */
export interface Operands {
  /** Width N of B (2..8); A is always 8 bits. */
  weightBits: number;
  signed: boolean;
}

export const MIN_WEIGHT_BITS = 2;

/** A netlist's operands, defaults filled in. */
export function operandsOf(netlist: Pick<Netlist, "weightBits" | "signed">): Operands {
  return { weightBits: netlist.weightBits ?? OPERAND_BITS, signed: netlist.signed === true };
}

/**
 * The operand fields a netlist object stores: only what differs from unsigned 8x8, so the
 * files of unsigned 8x8 circuits stay as they were.
 */
export function operandFields(operands: Operands): Pick<Netlist, "weightBits" | "signed"> {
  return {
    ...(operands.weightBits !== OPERAND_BITS ? { weightBits: operands.weightBits } : {}),
    ...(operands.signed ? { signed: true } : {}),
  };
}

/** "8x8 unsigned", "8x4 signed": how error messages and listings name a layout. */
export function describeOperands(operands: Operands): string {
  return `8x${operands.weightBits} ${operands.signed ? "signed" : "unsigned"}`;
}

export class NetlistError extends Error {}

/** Total number of wires (constants, operand bits and every cell output). */
export function wireCount(netlist: Netlist): number {
  let n = FIRST_CELL_WIRE;
  for (const cell of netlist.cells) n += CELL_SHAPE[cell.kind].outputs;
  return n;
}

/** First output wire of every cell. */
export function firstOutputs(netlist: Netlist): Int32Array {
  const first = new Int32Array(netlist.cells.length);
  let next = FIRST_CELL_WIRE;
  netlist.cells.forEach((cell, i) => {
    first[i] = next;
    next += CELL_SHAPE[cell.kind].outputs;
  });
  return first;
}

/** Throws a NetlistError naming the first cell or output that breaks the form above. */
export function validateNetlist(netlist: Netlist): void {
  if (!Array.isArray(netlist.cells)) throw new NetlistError("cells: expected an array");
  const n = netlist.weightBits;
  if (n !== undefined && !(Number.isInteger(n) && n >= MIN_WEIGHT_BITS && n <= OPERAND_BITS)) {
    throw new NetlistError(
      `weightBits: expected an integer ${MIN_WEIGHT_BITS}..${OPERAND_BITS}, found ${
        JSON.stringify(n)
      }`,
    );
  }
  if (netlist.signed !== undefined && typeof netlist.signed !== "boolean") {
    throw new NetlistError(
      `signed: expected true or false, found ${JSON.stringify(netlist.signed)}`,
    );
  }
  // An 8xN multiplier must not read B[N..7]: those wires are not its inputs.
  const firstUnread = wireB(n ?? OPERAND_BITS);
  const unread = (w: number) => w >= firstUnread && w < FIRST_CELL_WIRE;
  let next = FIRST_CELL_WIRE;
  netlist.cells.forEach((cell, i) => {
    const shape = CELL_SHAPE[cell?.kind as CellKind];
    if (!shape) {
      throw new NetlistError(
        `cell ${i}: unknown kind '${cell?.kind}', expected one of ${CELL_KINDS.join(", ")}`,
      );
    }
    if (!Array.isArray(cell.inputs) || cell.inputs.length !== shape.inputs) {
      throw new NetlistError(
        `cell ${i} (${cell.kind}): expected ${shape.inputs} inputs, found ${cell.inputs?.length}`,
      );
    }
    for (const w of cell.inputs) {
      if (!Number.isInteger(w) || w < 0 || w >= next) {
        throw new NetlistError(
          `cell ${i} (${cell.kind}): input wire ${w} is not driven before it ` +
            `(expected 0..${
              next - 1
            }: a cell may only read constants, operand bits and earlier cells)`,
        );
      }
      if (unread(w)) {
        throw new NetlistError(
          `cell ${i} (${cell.kind}): reads ${wireName(w)}, beyond the ${n}-bit operand B`,
        );
      }
    }
    next += shape.outputs;
  });
  if (!Array.isArray(netlist.outputs) || netlist.outputs.length !== PRODUCT_BITS) {
    throw new NetlistError(
      `outputs: expected ${PRODUCT_BITS} wires, found ${netlist.outputs?.length}`,
    );
  }
  netlist.outputs.forEach((w, k) => {
    if (!Number.isInteger(w) || w < 0 || w >= next) {
      throw new NetlistError(`output O[${k}]: wire ${w} does not exist (0..${next - 1})`);
    }
    if (unread(w)) {
      throw new NetlistError(`output O[${k}]: reads ${wireName(w)}, beyond the ${n}-bit operand B`);
    }
  });
  // Above an 8xN product's 8 + N bits, O is 0 or (signed) the product's sign bit.
  const top = OPERAND_BITS + (n ?? OPERAND_BITS) - 1;
  for (let k = top + 1; k < PRODUCT_BITS; k++) {
    const want = netlist.signed ? netlist.outputs[top] : CONST0;
    if (netlist.outputs[k] !== want) {
      throw new NetlistError(
        `output O[${k}]: expected ${
          netlist.signed ? `the sign bit O[${top}] (wire ${want})` : "constant 0"
        } above the ${top + 1}-bit product, found wire ${netlist.outputs[k]}`,
      );
    }
  }
}

/** Number of cells of each kind, kinds in CELL_KINDS order, absent kinds left out. */
export function cellCounts(netlist: Netlist): Partial<Record<CellKind, number>> {
  const counts: Partial<Record<CellKind, number>> = {};
  for (const kind of CELL_KINDS) {
    const n = netlist.cells.filter((c) => c.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

/** Human-readable name of a wire: 0, 1, A[3], B[7], or n<id>. */
export function wireName(wire: number): string {
  if (wire === CONST0) return "0";
  if (wire === CONST1) return "1";
  if (wire < 2 + OPERAND_BITS) return `A[${wire - 2}]`;
  if (wire < FIRST_CELL_WIRE) return `B[${wire - 2 - OPERAND_BITS}]`;
  return `n${wire}`;
}
