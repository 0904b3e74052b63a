/**
 * Compiles the AssemblyScript engine (assembly/) into build/approxnas.wasm.
 *
 * Skips the compile when the sources and asconfig.json hash to the same stamp as the last
 * build, so every task can depend on `build` at no cost. `--force` rebuilds anyway;
 * `--debug` also builds the debug target (assertions on, names kept).
 */
import asc from "assemblyscript/asc";

const root = new URL("../", import.meta.url);
const stampFile = new URL("build/approxnas.stamp", root);
const wasmFile = new URL("build/approxnas.wasm", root);

async function sourceHash(): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(new URL("assembly/", root))) {
    if (e.isFile && e.name.endsWith(".ts")) names.push(`assembly/${e.name}`);
  }
  names.sort();
  names.push("asconfig.json");
  const parts: Uint8Array[] = [];
  for (const n of names) {
    parts.push(new TextEncoder().encode(`\0${n}\0`));
    parts.push(await Deno.readFile(new URL(n, root)));
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) all.set(p, (o += p.length) - p.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readText(url: URL): Promise<string | null> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return null;
  }
}

async function compile(target: string): Promise<void> {
  const { error, stderr } = await asc.main([
    "assembly/index.ts",
    "--config",
    "asconfig.json",
    "--target",
    target,
  ], {});
  if (error) {
    console.error(stderr.toString());
    throw new Error(`AssemblyScript build of target '${target}' failed: ${error.message}`);
  }
}

const force = Deno.args.includes("--force");
const debug = Deno.args.includes("--debug");
Deno.chdir(root);
const hash = await sourceHash();
let wasmExists = true;
try {
  await Deno.stat(wasmFile);
} catch {
  wasmExists = false;
}
if (!force && wasmExists && (await readText(stampFile))?.trim() === hash && !debug) {
  // Up to date: nothing to do.
} else {
  await Deno.mkdir(new URL("build/", root), { recursive: true });
  const t0 = performance.now();
  await compile("release");
  if (debug) await compile("debug");
  await Deno.writeTextFile(stampFile, hash + "\n");
  console.error(`built build/approxnas.wasm in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
