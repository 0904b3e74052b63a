/**
 * A small reader of uncompressed tar archives (ustar, with pax `path` and GNU long-name
 * records), enough for npm package tarballs. Entries share the archive's memory.
 */

export interface TarEntry {
  /** Path inside the archive, e.g. `package/test_batch.png`. */
  name: string;
  type: "file" | "directory" | "other";
  /** The entry's content (empty for directories); a view into the archive. */
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

/**
 * Lists every entry of the tar archive `bytes`; `label` names the archive in errors.
 *
 * @example
 * ```ts
 * const tgz = await Deno.readFile("pkg.tgz");
 * const tar = new Uint8Array(await new Response(
 *   new Blob([tgz]).stream().pipeThrough(new DecompressionStream("gzip")),
 * ).arrayBuffer());
 * for (const entry of readTar(tar, "pkg.tgz")) console.log(entry.name, entry.data.length);
 * ```
 */
export function readTar(bytes: Uint8Array, label = "tar archive"): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined; // from a pax or GNU record, for the next entry only
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    checkHeaderSum(header, offset, label);

    const size = readNumber(header.subarray(124, 136));
    const typeFlag = String.fromCharCode(header[156]);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    let name = longName ?? headerName(header);
    if (dataEnd > bytes.length) {
      throw new Error(
        `Cannot read ${label}: entry '${name}' at byte ${offset} needs ${size} bytes of data, ` +
          `found ${Math.max(0, bytes.length - dataStart)} (truncated)`,
      );
    }
    const data = bytes.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeFlag === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (typeFlag === "L") {
      longName = cString(data);
      continue;
    }
    longName = undefined;
    if (typeFlag === "g") continue; // global pax header: nothing we use
    const type = typeFlag === "0" || typeFlag === "\0"
      ? "file"
      : typeFlag === "5"
      ? "directory"
      : "other";
    if (type === "directory" && !name.endsWith("/")) name += "/";
    entries.push({ name, type, data });
  }
  if (offset < bytes.length) {
    throw new Error(
      `Cannot read ${label}: expected a 512-byte header at byte ${offset}, found ` +
        `${bytes.length - offset} bytes (truncated)`,
    );
  }
  return entries; // some writers omit the end-of-archive blocks
}

/** The header checksum is the sum of its bytes with the checksum field read as spaces. */
function checkHeaderSum(header: Uint8Array, offset: number, label: string): void {
  const stored = readNumber(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (sum !== stored) {
    throw new Error(
      `Cannot read ${label}: header at byte ${offset} has checksum ${stored}, computed ${sum}`,
    );
  }
}

/** ustar splits long paths into `prefix/name`. */
function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = decoder.decode(header.subarray(257, 262)) === "ustar";
  const prefix = isUstar ? cString(header.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal text (NUL- or space-terminated), or base-256 when the top bit is set. */
function readNumber(field: Uint8Array): number {
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = cString(field).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** Pax records are `<length> <key>=<value>\n`; we only need `path`. */
function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!(length > 0)) break;
    const record = decoder.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}
