/**
 * Flags that several tasks share, defined once so that their name, value, meaning and default
 * read the same in every --help.
 */
import type { FlagSpec } from "./args.ts";

/** `--data DIR`: where CIFAR-10 is; absent, $CIFAR10_DIR, then the cache, then a download. */
export const DATA_FLAG = {
  type: "string",
  value: "DIR",
  help: "CIFAR-10 directory (data_batch_1..5.bin, test_batch.bin, or .bin.gz)",
  defaultText: "$CIFAR10_DIR, else the cache, else a download",
} as const satisfies FlagSpec;

/** `--workers N`: worker threads; the default depends on the machine, so it is said in words. */
export const WORKERS_FLAG = {
  type: "string",
  value: "N",
  help: "worker threads",
  defaultText: "one per core",
} as const satisfies FlagSpec;

/** The worker count a task uses: the flag's, else one per core. */
export function workersDefault(): number {
  return navigator.hardwareConcurrency || 1;
}
