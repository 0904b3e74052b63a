/**
 * How a product table is laid out and read. An 8xN multiplier (A: 8 bits, the activation
 * operand; B: N = 2..8 bits, the weight operand) has 256 x 2^N entries, the product of the bit
 * patterns (a, b) at index a * 2^N + b (a * 256 + b for 8x8). Each entry is the circuit's 16
 * output bits: the unsigned product, or for signed circuits the two's complement int16 of the
 * product of the two's complement operands (`productValues` reads either).
 */
import { MIN_WEIGHT_BITS, OPERAND_BITS, type Operands } from "./netlist.ts";

export type { Operands } from "./netlist.ts";

/** The layout every table had before 8xN and signed circuits. */
export const UNSIGNED_8X8: Readonly<Operands> = { weightBits: OPERAND_BITS, signed: false };

/** Entries of an 8xN table: 256 x 2^N. */
export function tableSize(weightBits: number): number {
  return 256 << weightBits;
}

/** Widths N a table may have, 2..8. */
export const WEIGHT_BITS: readonly number[] = Array.from(
  { length: OPERAND_BITS - MIN_WEIGHT_BITS + 1 },
  (_, k) => MIN_WEIGHT_BITS + k,
);

/** The width N of a table with `size` entries, or undefined when no width has that size. */
export function weightBitsOfSize(size: number): number | undefined {
  return WEIGHT_BITS.find((n) => tableSize(n) === size);
}

/** The value of an operand's bit pattern: two's complement when signed. */
export function operandValue(pattern: number, bits: number, signed: boolean): number {
  return signed && pattern >= 1 << (bits - 1) ? pattern - (1 << bits) : pattern;
}

/** The products a table's entries stand for (a view for signed tables, the table otherwise). */
export function productValues(table: Uint16Array, operands: Operands): Int16Array | Uint16Array {
  return operands.signed ? new Int16Array(table.buffer, table.byteOffset, table.length) : table;
}

/** Throws naming `what` unless the table has the size of its operands' layout. */
export function checkTableSize(table: ArrayLike<number>, operands: Operands, what: string): void {
  const size = tableSize(operands.weightBits);
  if (table.length !== size) {
    throw new Error(
      `${what}: expected a table of ${size.toLocaleString("en-US")} products, found ${
        table.length.toLocaleString("en-US")
      } (8x${operands.weightBits}: 256 x 2^${operands.weightBits}, index a * ${
        1 << operands.weightBits
      } + b)`,
    );
  }
}
