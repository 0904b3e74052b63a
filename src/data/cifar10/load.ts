/**
 * Loading CIFAR-10 from a directory holding the official binary batch files, plain or
 * gzip-compressed, into one contiguous buffer of CHW images per split.
 */
import { locateBatchFile, readBatchFile } from "./batch_file.ts";
import { OFFICIAL_SHA256 } from "./checksums.ts";
import { BATCH_FILES, batchFileBytes, IMAGE_BYTES, RECORDS_PER_BATCH } from "./format.ts";
import { type Cifar10Data, unpackRecords } from "./records.ts";
import type { Cifar10Split } from "./format.ts";
import { sha256Hex } from "../digest.ts";

export interface LoadCifar10Options {
  split: Cifar10Split;
  /** Records in each batch file. Only tests change it, to read tiny synthetic batches. */
  records?: number;
  /**
   * Check each file's SHA-256 against `checksums`. On by default when `checksums` is given
   * or for the official size (10,000 records); off for other sizes, which cannot match the
   * official digests.
   */
  verify?: boolean;
  /** Expected SHA-256 (hex) by `.bin` name; defaults to the official digests. */
  checksums?: Readonly<Record<string, string>>;
}

/**
 * Loads one split from `dir`, which holds `data_batch_1..5.bin` and `test_batch.bin`, or
 * the same names with `.gz` (a plain file wins over its `.gz`).
 *
 * @example
 * ```ts
 * const train = await loadCifar10("/data/cifar10", { split: "train" });
 * train.n; // 50000
 * const firstRed = train.images[0]; // top-left red of image 0
 * const firstGreen = train.images[1024]; // top-left green of image 0
 * ```
 */
export async function loadCifar10(dir: string, options: LoadCifar10Options): Promise<Cifar10Data> {
  const records = options.records ?? RECORDS_PER_BATCH;
  const verify = options.verify ??
    (options.checksums !== undefined || records === RECORDS_PER_BATCH);
  const checksums = options.checksums ?? OFFICIAL_SHA256;
  const files = BATCH_FILES[options.split];
  if (files === undefined) {
    throw new Error(`Cannot load CIFAR-10 split '${options.split}': expected 'train' or 'test'`);
  }

  const n = files.length * records;
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let b = 0; b < files.length; b++) {
    const name = files[b];
    const location = await locateBatchFile(dir, name);
    if (location === undefined) {
      throw new Error(
        `Cannot load CIFAR-10 batch '${name}' from '${dir}': expected ${name} or ${name}.gz, ` +
          "found neither",
      );
    }
    const bytes = await readBatchFile(location, batchFileBytes(records));
    if (verify) await verifySha256(location.path, name, bytes, checksums);
    unpackRecords(location.path, bytes, records, images, labels, b * records);
  }
  return { images, labels, n };
}

async function verifySha256(
  path: string,
  name: string,
  bytes: Uint8Array,
  checksums: Readonly<Record<string, string>>,
): Promise<void> {
  const expected = checksums[name];
  if (expected === undefined) {
    throw new Error(
      `Cannot verify CIFAR-10 batch '${path}': expected a SHA-256 for '${name}', found none`,
    );
  }
  const found = await sha256Hex(bytes);
  if (found !== expected.toLowerCase()) {
    throw new Error(
      `Cannot load CIFAR-10 batch '${path}' as its SHA-256 must be ${expected}: found ${found}`,
    );
  }
}
