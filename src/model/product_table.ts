/**
 * A multiplier as a model carries it: the table of its 65,536 products of an unsigned 8-bit
 * activation a and weight b, at index a * 256 + b.
 */

/** Entries of a product table: 256 x 256. */
export const PRODUCT_TABLE_SIZE = 65536;

/** The product table of the exact 8x8 unsigned multiplier. */
export function exactTable(): Uint16Array {
  const t = new Uint16Array(PRODUCT_TABLE_SIZE);
  for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[a * 256 + b] = a * b;
  return t;
}

/** Whether `table` is the exact product a * b (model files do not store such tables). */
export function isExactTable(table: Uint16Array): boolean {
  if (table.length !== PRODUCT_TABLE_SIZE) return false;
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) if (table[a * 256 + b] !== a * b) return false;
  }
  return true;
}
