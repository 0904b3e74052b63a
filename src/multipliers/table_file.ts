/**
 * Raw product tables: exactly 65,536 little-endian uint16 values (131,072 bytes), the product
 * of (a, b) at index a * 256 + b.
 */
import { tableBytes } from "./info.ts";

export const TABLE_BYTES = 131072;

export class TableFileError extends Error {}

/** The table in `bytes`, or an error naming `file` and the size found. */
export function tableFromBytes(bytes: Uint8Array, file: string): Uint16Array {
  if (bytes.length !== TABLE_BYTES) {
    throw new TableFileError(
      `${file}: expected exactly 131,072 bytes (65,536 little-endian uint16, index a*256+b), ` +
        `found ${bytes.length.toLocaleString("en-US")} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = new Uint16Array(65536);
  for (let i = 0; i < table.length; i++) table[i] = view.getUint16(2 * i, true);
  return table;
}

/** Reads a .bin table file. */
export async function readTableFile(path: string): Promise<Uint16Array> {
  return tableFromBytes(await Deno.readFile(path), path);
}

/** Writes a table as a .bin file. */
export async function writeTableFile(path: string, table: Uint16Array): Promise<void> {
  await Deno.writeFile(path, tableBytes(table));
}
