/**
 * A small PNG decoder for the lossless image dumps datasets ship: 8-bit greyscale, grey +
 * alpha, RGB or RGBA, not interlaced. Chunk CRCs are checked; ancillary chunks are ignored.
 */
import { crc32 } from "./crc32.ts";
import { decompress } from "./decompress.ts";

/** Pixels row-major with `channels` interleaved bytes per pixel (RGB: R, G, B, R, ...). */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Channels per pixel of each supported colour type. */
const CHANNELS_OF_COLOUR_TYPE: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a PNG held in memory; `name` only labels errors.
 *
 * @example
 * ```ts
 * const png = await decodePng(await Deno.readFile("test_batch.png"), "test_batch.png");
 * const [r, g, b] = png.pixels.subarray(0, 3); // top-left pixel
 * ```
 */
export async function decodePng(bytes: Uint8Array, name = "PNG"): Promise<DecodedPng> {
  const fail = (what: string): never => {
    throw new Error(`Cannot decode PNG '${name}': ${what}`);
  };
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (bytes[i] !== SIGNATURE[i]) fail("expected the PNG signature at its start, found none");
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; channels: number } | undefined;
  let offset = SIGNATURE.length;
  let ended = false;
  while (!ended) {
    if (offset + 12 > bytes.length) {
      fail(`expected a chunk at byte ${offset}, found the end of the file (truncated)`);
    }
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      fail(`chunk '${type}' at byte ${offset} needs ${length} bytes, found the end of the file`);
    }
    const storedCrc = view.getUint32(dataEnd);
    const foundCrc = crc32(bytes.subarray(offset + 4, dataEnd));
    if (storedCrc !== foundCrc) {
      fail(
        `chunk '${type}' at byte ${offset} has CRC ${hex(storedCrc)}: computed ${hex(foundCrc)}`,
      );
    }
    const data = bytes.subarray(dataStart, dataEnd);
    if (header === undefined && type !== "IHDR") fail(`expected IHDR first, found '${type}'`);
    if (type === "IHDR") header = parseHeader(data, fail);
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") ended = true;
    else if (type === "PLTE") fail("expected a non-palette image, found a PLTE chunk");
    offset = dataEnd + 4;
  }
  const { width, height, channels } = header!;
  if (idat.length === 0) fail("expected at least one IDAT chunk, found none");

  const stride = width * channels;
  const expected = height * (1 + stride);
  const { bytes: filtered, error } = await decompress(idat, "deflate", expected);
  if (error !== undefined || filtered.length !== expected) {
    fail(
      `expected ${expected} bytes of image data, inflated ${filtered.length}` +
        (error ? ` before zlib failed (${error.message})` : ""),
    );
  }
  const pixels = new Uint8Array(height * stride);
  unfilter(filtered, pixels, width, height, channels, fail);
  return { width, height, channels, pixels };
}

function parseHeader(data: Uint8Array, fail: (what: string) => never) {
  if (data.length !== 13) fail(`expected a 13-byte IHDR, found ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colourType, compression, filterMethod, interlace] = data.subarray(8, 13);
  const channels = CHANNELS_OF_COLOUR_TYPE[colourType];
  if (width === 0 || height === 0) fail(`expected a non-empty image, found ${width}x${height}`);
  if (bitDepth !== 8) fail(`expected bit depth 8, found ${bitDepth}`);
  if (channels === undefined) fail(`expected colour type 0, 2, 4 or 6, found ${colourType}`);
  if (compression !== 0 || filterMethod !== 0) {
    fail(`expected compression and filter method 0, found ${compression} and ${filterMethod}`);
  }
  if (interlace !== 0) fail(`expected a non-interlaced image, found interlace method ${interlace}`);
  return { width, height, channels };
}

/** Undoes the per-scanline filters (None, Sub, Up, Average, Paeth) into `out`. */
function unfilter(
  input: Uint8Array,
  out: Uint8Array,
  width: number,
  height: number,
  bpp: number,
  fail: (what: string) => never,
): void {
  const stride = width * bpp;
  for (let y = 0; y < height; y++) {
    const filter = input[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const up = row - stride; // previous output row; unused on the first row
    const hasUp = y > 0;
    switch (filter) {
      case 0:
        out.set(input.subarray(src, src + stride), row);
        break;
      case 1:
        for (let i = 0; i < bpp; i++) out[row + i] = input[src + i];
        for (let i = bpp; i < stride; i++) out[row + i] = input[src + i] + out[row + i - bpp];
        break;
      case 2:
        if (!hasUp) out.set(input.subarray(src, src + stride), row);
        else for (let i = 0; i < stride; i++) out[row + i] = input[src + i] + out[up + i];
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? out[row + i - bpp] : 0;
          const above = hasUp ? out[up + i] : 0;
          out[row + i] = input[src + i] + ((left + above) >> 1);
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? out[row + i - bpp] : 0;
          const above = hasUp ? out[up + i] : 0;
          const upLeft = hasUp && i >= bpp ? out[up + i - bpp] : 0;
          out[row + i] = input[src + i] + paeth(left, above, upLeft);
        }
        break;
      default:
        fail(`expected scanline filter 0..4 on row ${y}, found ${filter}`);
    }
  }
}

/** The PNG Paeth predictor: whichever neighbour is closest to left + above - upLeft. */
function paeth(left: number, above: number, upLeft: number): number {
  const p = left + above - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - above);
  const pc = Math.abs(p - upLeft);
  if (pa <= pb && pa <= pc) return left;
  return pb <= pc ? above : upLeft;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
