/**
 * Regenerates the multiplier library in data/multipliers/ from the catalogue
 * (src/multipliers/catalogue.ts): one netlist file per circuit in netlists/ and library.json
 * with every circuit's model power, area, energy and exhaustive error metrics.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write=data/multipliers scripts/generate_multipliers.ts
 * deno run --allow-read scripts/generate_multipliers.ts --check   # exit 1 if out of date
 * ```
 */
import { parseArgs } from "node:util";
import {
  DEFAULT_DATA_DIR,
  NETLIST_DIR,
  renderLibraryFiles,
} from "../src/multipliers/library_files.ts";

async function readOrNull(path: string): Promise<string | null> {
  return await Deno.readTextFile(path).catch(() => null);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      check: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  const dir = DEFAULT_DATA_DIR;
  const start = performance.now();
  const files = await renderLibraryFiles({
    onCircuit: (entry, ms) => {
      if (!values.quiet) console.error(`${entry.name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms`);
    },
  });
  console.error(
    `${files.size - 1} circuits in ${((performance.now() - start) / 1000).toFixed(2)} s`,
  );

  // Netlist files of circuits no longer in the catalogue.
  const stale: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/${NETLIST_DIR}`)) {
      const rel = `${NETLIST_DIR}/${e.name}`;
      if (e.isFile && e.name.endsWith(".json") && !files.has(rel)) stale.push(rel);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const changed: string[] = [];
  for (const [rel, text] of files) {
    if ((await readOrNull(`${dir}/${rel}`)) !== text) changed.push(rel);
  }

  if (values.check) {
    if (changed.length || stale.length) {
      console.error(`out of date: ${[...changed, ...stale.map((s) => `${s} (stale)`)].join(", ")}`);
      console.error(
        "run: deno run --allow-read --allow-write=data/multipliers scripts/generate_multipliers.ts",
      );
      return 1;
    }
    console.error("data/multipliers is up to date");
    return 0;
  }
  await Deno.mkdir(`${dir}/${NETLIST_DIR}`, { recursive: true });
  for (const rel of changed) await Deno.writeTextFile(`${dir}/${rel}`, files.get(rel)!);
  for (const rel of stale) await Deno.remove(`${dir}/${rel}`);
  console.error(`wrote ${changed.length} files, removed ${stale.length}`);
  return 0;
}

Deno.exit(await main());
