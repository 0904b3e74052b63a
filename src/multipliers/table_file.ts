/**
 * Raw product tables: 256 x 2^N little-endian uint16 values (N = 2..8; 131,072 bytes for
 * 8x8), the product of (a, b) at index a * 2^N + b (products.ts). The size gives the width;
 * signed tables hold int16 products and are told apart by the importer, not by the file.
 */
import { tableBytes } from "./info.ts";
import { tableSize, WEIGHT_BITS, weightBitsOfSize } from "./products.ts";

/** Bytes of an 8x8 table. */
export const TABLE_BYTES = 131072;

export class TableFileError extends Error {}

const bytesOf = (n: number) => (2 * tableSize(n)).toLocaleString("en-US");

/** The table in `bytes` and its width N, or an error naming `file` and the size found. */
export function tableFromBytes(bytes: Uint8Array, file: string): Uint16Array {
  const weightBits = weightBitsOfSize(bytes.length / 2);
  if (weightBits === undefined) {
    const smaller = WEIGHT_BITS.slice(0, -1);
    throw new TableFileError(
      `${file}: expected exactly 131,072 bytes (65,536 little-endian uint16, index a*256+b) ` +
        `for an 8x8 table, or 256 x 2^N uint16 for an 8xN one (${
          smaller.map((n) => `N=${n}: ${bytesOf(n)}`).join(", ")
        } bytes), found ${bytes.length.toLocaleString("en-US")} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < table.length; i++) table[i] = view.getUint16(2 * i, true);
  return table;
}

/** The width N of a table read by `tableFromBytes` (its size decides). */
export function tableWeightBits(table: Uint16Array): number {
  const n = weightBitsOfSize(table.length);
  if (n === undefined) throw new TableFileError(`a table of ${table.length} products has no width`);
  return n;
}

/** Reads a .bin table file. */
export async function readTableFile(path: string): Promise<Uint16Array> {
  return tableFromBytes(await Deno.readFile(path), path);
}

/** Writes a table as a .bin file. */
export async function writeTableFile(path: string, table: Uint16Array): Promise<void> {
  await Deno.writeFile(path, tableBytes(table));
}
