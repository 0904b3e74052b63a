/** Moving test data in and out of the engine for the float32 kernel tests. */
import type { Arena } from "../../src/engine/arena.ts";
import { Rng } from "../../src/util/rng.ts";
import { randomArray } from "../_tester.ts";

/** Seeded values already rounded to float32, so the float64 reference sees what the kernel sees. */
export function randomF32(rng: Rng, len: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from(randomArray(rng, len, lo, hi));
}

/** An output buffer pre-filled with NaN: a kernel that accumulates instead of overwriting fails. */
export function allocGarbage(arena: Arena, len: number): number {
  const ptr = arena.allocF32(len);
  arena.f32(ptr, len).fill(NaN);
  return ptr;
}

/** A copy of len floats at ptr (views go stale when memory grows). */
export function readF32(arena: Arena, ptr: number, len: number): Float32Array {
  return arena.f32(ptr, len).slice();
}
