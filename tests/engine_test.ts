import assert from "node:assert/strict";
import { loadEngine } from "../src/engine/wasm.ts";

Deno.test("engine loads, exports memory and a heap base above its static data", async () => {
  const { kernels, arena } = await loadEngine();
  assert.ok(kernels.memory instanceof WebAssembly.Memory);
  assert.ok(kernels.heap_base() > 0);
  assert.ok(arena.base >= kernels.heap_base());
});

Deno.test("arena grows memory and keeps 64-byte alignment", async () => {
  const { arena } = await loadEngine();
  const before = arena.memory.buffer.byteLength;
  const a = arena.allocF32(3);
  const b = arena.alloc(before * 2);
  assert.equal(a % 64, 0);
  assert.equal(b % 64, 0);
  assert.ok(b >= a + 12);
  assert.ok(arena.memory.buffer.byteLength >= b + before * 2);
  const m = arena.mark();
  arena.alloc(100);
  arena.release(m);
  assert.equal(arena.mark(), m);
});
