/**
 * Decoding the lossless image dumps datasets ship, through fast-png with chunk CRCs checked,
 * held to what the converters read: 8-bit greyscale, grey + alpha, RGB or RGBA, not
 * interlaced. The header and the closing chunk are checked before anything is inflated, so
 * that a PNG of another layout is refused by what it is, and a cut one as cut, rather than
 * by whatever the decoder meets first.
 */
import { decode } from "fast-png";

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
/** The IHDR chunk's fields sit at fixed offsets: signature (8), length (4), type (4). */
const IHDR_DATA = 16;
/** Every PNG ends with this empty IEND chunk (length, type, CRC). */
const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Decodes a PNG held in memory; `name` only labels errors. Decoding itself is synchronous:
 * the promise lets callers treat every failure as a rejection.
 *
 * @example
 * ```ts
 * const png = await decodePng(await Deno.readFile("test_batch.png"), "test_batch.png");
 * const [r, g, b] = png.pixels.subarray(0, 3); // top-left pixel
 * ```
 */
export function decodePng(bytes: Uint8Array, name = "PNG"): Promise<DecodedPng> {
  return new Promise((resolve) => resolve(decodeNow(bytes, name)));
}

function decodeNow(bytes: Uint8Array, name: string): DecodedPng {
  const fail = (what: string): never => {
    throw new Error(`Cannot decode PNG '${name}': ${what}`);
  };
  const channels = checkHeader(bytes, fail);
  let image;
  try {
    image = decode(bytes, { checkCrc: true });
  } catch (e) {
    const cause = (e as Error).cause as Error | undefined;
    fail((e as Error).message + (cause ? ` ${cause.message}` : ""));
  }
  const { width, height, data } = image!;
  const expected = width * height * channels;
  if (data.length !== expected || !(data instanceof Uint8Array)) {
    fail(`expected ${expected} bytes of pixels, found ${data.length}`);
  }
  return { width, height, channels, pixels: data as Uint8Array };
}

/** Checks the signature and the IHDR fields; returns the channels per pixel. */
function checkHeader(bytes: Uint8Array, fail: (what: string) => never): number {
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (bytes[i] !== SIGNATURE[i]) fail("expected the PNG signature at its start, found none");
  }
  const type = String.fromCharCode(...bytes.subarray(IHDR_DATA - 4, IHDR_DATA));
  if (type !== "IHDR" || bytes.length < IHDR_DATA + 13) {
    fail(`expected an IHDR chunk at byte 8, found '${type}' in ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + IHDR_DATA, 13);
  const width = view.getUint32(0), height = view.getUint32(4);
  const [bitDepth, colourType, , , interlace] = bytes.subarray(IHDR_DATA + 8, IHDR_DATA + 13);
  const channels = CHANNELS_OF_COLOUR_TYPE[colourType];
  if (width === 0 || height === 0) fail(`expected a non-empty image, found ${width}x${height}`);
  if (bitDepth !== 8) fail(`expected bit depth 8, found ${bitDepth}`);
  if (channels === undefined) fail(`expected colour type 0, 2, 4 or 6, found ${colourType}`);
  if (interlace !== 0) fail(`expected a non-interlaced image, found interlace method ${interlace}`);
  const tail = bytes.subarray(bytes.length - IEND.length);
  if (tail.some((b, i) => b !== IEND[i])) {
    fail("expected the IEND chunk at the end of the file, found none (truncated)");
  }
  return channels;
}
