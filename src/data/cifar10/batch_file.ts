/**
 * Finding and reading one CIFAR-10 batch file, plain (`.bin`) or gzip-compressed
 * (`.bin.gz`), with its size checked before anything else looks at it.
 */
import { join } from "node:path";
import { decompress } from "../decompress.ts";

/** Where a batch was found: the path read and whether it is gzip-compressed. */
export interface BatchFileLocation {
  path: string;
  gzipped: boolean;
}

/**
 * Locates `binName` (e.g. `data_batch_1.bin`) in `dir`, preferring the plain file to its
 * `.gz`; undefined when neither exists.
 */
export async function locateBatchFile(
  dir: string,
  binName: string,
): Promise<BatchFileLocation | undefined> {
  for (const gzipped of [false, true]) {
    const path = join(dir, gzipped ? `${binName}.gz` : binName);
    if (await isFile(path)) return { path, gzipped };
  }
  return undefined;
}

/**
 * Reads the batch at `location`, decompressing a `.gz`; throws unless the (decompressed)
 * content is exactly `expectedBytes` long, naming the file and both sizes.
 *
 * @example
 * ```ts
 * const where = await locateBatchFile(dir, "test_batch.bin");
 * const bytes = await readBatchFile(where!, 30_730_000);
 * ```
 */
export async function readBatchFile(
  location: BatchFileLocation,
  expectedBytes: number,
): Promise<Uint8Array> {
  const { path } = location;
  if (!location.gzipped) {
    // Check the size first so that a wrong file is never read whole.
    const { size } = await Deno.stat(path);
    if (size !== expectedBytes) {
      throw new Error(
        `Cannot load CIFAR-10 batch '${path}' as it must be ${expectedBytes} bytes: found ${size}`,
      );
    }
    return await Deno.readFile(path);
  }
  const file = await Deno.open(path);
  const { bytes, error } = await decompress(file.readable, "gzip", expectedBytes);
  if (error !== undefined) {
    throw new Error(
      `Cannot load CIFAR-10 batch '${path}' as it must decompress to ${expectedBytes} bytes: ` +
        `found ${bytes.length} before the gzip stream failed (truncated or corrupt: ` +
        `${error.message})`,
    );
  }
  if (bytes.length !== expectedBytes) {
    throw new Error(
      `Cannot load CIFAR-10 batch '${path}' as it must decompress to ${expectedBytes} bytes: ` +
        `found ${bytes.length}`,
    );
  }
  return bytes;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
