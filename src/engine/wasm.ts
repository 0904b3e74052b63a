/**
 * Loading the compiled engine. The module is compiled once (`compileEngine`) and may be
 * sent to workers, each of which instantiates its own copy with `instantiateEngine`.
 */
import { Arena } from "./arena.ts";
import type { Kernels } from "./kernels.ts";

export const DEFAULT_WASM_URL = new URL("../../build/approxnas.wasm", import.meta.url);

/** One instance of the engine: its kernels and an allocator over its memory. */
export interface Engine {
  kernels: Kernels;
  arena: Arena;
  module: WebAssembly.Module;
}

export async function compileEngine(url: URL = DEFAULT_WASM_URL): Promise<WebAssembly.Module> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(url);
  } catch (e) {
    throw new Error(
      `Cannot read the engine at ${url.pathname}: ${(e as Error).message}. ` +
        "Run `deno task build` first.",
    );
  }
  return await WebAssembly.compile(bytes as BufferSource);
}

export async function instantiateEngine(module: WebAssembly.Module): Promise<Engine> {
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`engine abort at ${line}:${col}`);
      },
      seed: () => 0,
    },
  });
  const kernels = instance.exports as unknown as Kernels;
  return { kernels, arena: new Arena(kernels.memory, kernels.heap_base()), module };
}

let cached: WebAssembly.Module | undefined;

/** Compiles (once per process) and instantiates the default engine. */
export async function loadEngine(): Promise<Engine> {
  cached ??= await compileEngine();
  return await instantiateEngine(cached);
}
