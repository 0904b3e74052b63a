/**
 * The records of a CIFAR-10 batch file, read from bytes already in memory: no file system,
 * so the embedding library (mod.ts) exports it for Node.js and browsers too.
 */
import { CLASS_COUNT, IMAGE_BYTES, type LabelledImages, RECORD_BYTES } from "./format.ts";

/** CIFAR-10 images and labels: `n` images of 3x32x32 bytes (R, G, B planes). */
export interface Cifar10Data extends LabelledImages {
  /** Images (and labels) in the split. */
  n: number;
}

/**
 * The images and labels of one batch file's bytes (e.g. `test_batch.bin`: 10,000 records of
 * a label byte and 3,072 image bytes). Throws, naming `name`, when the size is not a whole
 * number of records or a label is not 0..9.
 *
 * @example
 * ```ts
 * const test = readCifar10Batch(await Deno.readFile("test_batch.bin"), "test_batch.bin");
 * test.n; // 10000
 * ```
 */
export function readCifar10Batch(bytes: Uint8Array, name = "batch"): Cifar10Data {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(
      `Cannot read CIFAR-10 batch '${name}' as its size must be a multiple of ${RECORD_BYTES} ` +
        `bytes: found ${bytes.length}`,
    );
  }
  const n = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Uint8Array(n);
  unpackRecords(name, bytes, n, images, labels, 0);
  return { images, labels, n };
}

/** Splits records into labels and images, starting at image `first`; checks every label. */
export function unpackRecords(
  path: string,
  bytes: Uint8Array,
  records: number,
  images: Uint8Array,
  labels: Uint8Array,
  first: number,
): void {
  for (let r = 0; r < records; r++) {
    const offset = r * RECORD_BYTES;
    const label = bytes[offset];
    if (label >= CLASS_COUNT) {
      throw new Error(
        `Cannot load CIFAR-10 batch '${path}' as record ${r} must have a label 0..${
          CLASS_COUNT - 1
        }: found ${label}`,
      );
    }
    labels[first + r] = label;
    images.set(bytes.subarray(offset + 1, offset + RECORD_BYTES), (first + r) * IMAGE_BYTES);
  }
}
