/**
 * Test-only writers of the formats that src/data reads: CIFAR-10 batch files, gzip, PNG
 * (all five scanline filters) and tar. Written from the format specifications, separately
 * from the readers, so that a test compares two independent codings.
 */
import { join } from "node:path";
import { crc32 } from "../../src/util/crc32.ts";
import { Rng } from "../../src/util/rng.ts";

/** One synthetic CIFAR-10 image as a function of (channel, y, x), and its label. */
export interface SyntheticImage {
  label: number;
  pixel: (channel: number, y: number, x: number) => number;
}

/** `count` random images with labels 0..9; pixel values are random but reproducible. */
export function syntheticImages(count: number, seed: number): SyntheticImage[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const values = Uint8Array.from({ length: 3 * 32 * 32 }, () => rng.int(256));
    return { label: rng.int(10), pixel: (c, y, x) => values[c * 1024 + y * 32 + x] };
  });
}

/** A batch file as the official spec lays it out: label, then the R, G and B planes. */
export function encodeBatch(images: SyntheticImage[]): Uint8Array {
  const out: number[] = [];
  for (const image of images) {
    out.push(image.label);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out.push(image.pixel(c, y, x));
    }
  }
  return Uint8Array.from(out);
}

export const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const ALL_FILES = [...TRAIN_FILES, "test_batch.bin"];

/** Six synthetic batch files of `records` records each, by file name. */
export function syntheticSet(records: number, seed = 1): Map<string, SyntheticImage[]> {
  return new Map(ALL_FILES.map((name, i) => [name, syntheticImages(records, seed * 100 + i)]));
}

/** Writes the set into `dir`; names in `gzipped` are written as `<name>.gz` instead. */
export async function writeSet(
  dir: string,
  set: Map<string, SyntheticImage[]>,
  gzipped: Iterable<string> = [],
): Promise<void> {
  const gz = new Set(gzipped);
  for (const [name, images] of set) {
    const bytes = encodeBatch(images);
    if (gz.has(name)) await Deno.writeFile(join(dir, `${name}.gz`), await gzip(bytes));
    else await Deno.writeFile(join(dir, name), bytes);
  }
}

export async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function compress(bytes: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  const stream = new Blob([bytes as BufferSource]).stream().pipeThrough(
    new CompressionStream(format),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const gzip = (bytes: Uint8Array) => compress(bytes, "gzip");

/** An image for the PNG encoder: row-major pixels with `channels` bytes each. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  pixels: Uint8Array;
}

const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/**
 * Encodes an 8-bit PNG, filtering row y with `filterOf(y)` (0 None, 1 Sub, 2 Up, 3 Average,
 * 4 Paeth) and splitting the zlib stream over IDAT chunks of at most `idatSize` bytes.
 */
export async function encodePng(
  image: RawImage,
  filterOf: (y: number) => number,
  idatSize = 1 << 16,
): Promise<Uint8Array> {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  const filtered = new Uint8Array(height * (stride + 1));
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : pixels[y * stride + i]);
  for (let y = 0; y < height; y++) {
    const filter = filterOf(y);
    filtered[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const a = at(y, i - channels), b = at(y - 1, i), c = at(y - 1, i - channels);
      const predictor = [0, a, b, Math.floor((a + b) / 2), paethPredictor(a, b, c)][filter];
      filtered[y * (stride + 1) + 1 + i] = (at(y, i) - predictor + 256) % 256;
    }
  }
  return await pngFromScanlines(width, height, COLOUR_TYPE[channels], filtered, idatSize);
}

/**
 * A PNG around already-filtered scanlines (each row: filter byte, then its bytes), so that
 * tests can also write rows no encoder would.
 */
export async function pngFromScanlines(
  width: number,
  height: number,
  colourType: number,
  scanlines: Uint8Array,
  idatSize = 1 << 16,
): Promise<Uint8Array> {
  const zlib = await compress(scanlines, "deflate");
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  const chunks = [pngChunk("IHDR", ihdr)];
  for (let o = 0; o < zlib.length; o += idatSize) {
    chunks.push(pngChunk("IDAT", zlib.subarray(o, o + idatSize)));
  }
  chunks.push(pngChunk("IEND", new Uint8Array()));
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), ...chunks]);
}

/** Paeth as the PNG spec words it. */
function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A PNG chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One member of a tar built by `buildTar`. */
export interface TarMember {
  name: string;
  data?: Uint8Array;
  /** '0' file (default), '5' directory, 'x' pax header, 'L' GNU long name, '2' symlink. */
  typeFlag?: string;
  /** ustar prefix field, for paths longer than 100 bytes. */
  prefix?: string;
}

/** A ustar archive with the two zero blocks that end it. */
export function buildTar(members: TarMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const text = new TextEncoder();
  for (const member of members) {
    const data = member.data ?? new Uint8Array();
    const header = new Uint8Array(512);
    const put = (offset: number, value: string) => header.set(text.encode(value), offset);
    put(0, member.name);
    put(100, "0000644\0");
    put(108, "0000000\0");
    put(116, "0000000\0");
    put(124, data.length.toString(8).padStart(11, "0") + "\0");
    put(136, "00000000000\0");
    put(156, member.typeFlag ?? "0");
    put(257, "ustar\0");
    put(263, "00");
    if (member.prefix) put(345, member.prefix);
    header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    const sum = header.reduce((s, b) => s + b, 0);
    put(148, sum.toString(8).padStart(6, "0") + "\0 ");
    parts.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

/** A pax extended-header body setting `path`: `<length> path=<value>\n`. */
export function paxPathRecord(path: string): Uint8Array {
  const body = ` path=${path}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return new TextEncoder().encode(`${length}${body}`);
}

/** Runs `fn` with environment variables set (undefined: unset), restoring them after. */
export async function withEnv(
  vars: Record<string, string | undefined>,
  fn: () => void | Promise<void>,
): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}
