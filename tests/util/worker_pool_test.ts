import assert from "node:assert/strict";
import { WorkerDiedError, WorkerPool } from "../../src/util/worker_pool.ts";

const script = new URL("./fixtures/pool_worker.ts", import.meta.url);
type Task = { op: string; x?: number; ms?: number };

Deno.test("tasks run on every worker with the init value, results in order of the calls", async () => {
  const pool = new WorkerPool<Task, number>({ script, size: 2, init: { offset: 1 } });
  const out = await Promise.all([1, 2, 3, 4, 5].map((x) => pool.run({ op: "sq", x })));
  assert.deepEqual(out, [2, 5, 10, 17, 26]);
  pool.close();
});

Deno.test("a throwing task fails alone; a dead worker is replaced and the pool goes on", async () => {
  const pool = new WorkerPool<Task, number>({ script, size: 2, init: { offset: 0 } });
  const results = await Promise.allSettled([
    pool.run({ op: "throw" }),
    pool.run({ op: "die" }),
    pool.run({ op: "sq", x: 3 }),
    pool.run({ op: "sq", x: 4 }),
  ]);
  assert.equal(results[0].status, "rejected");
  assert.match(String((results[0] as PromiseRejectedResult).reason), /task failed on purpose/);
  assert.equal(results[1].status, "rejected");
  assert.ok((results[1] as PromiseRejectedResult).reason instanceof WorkerDiedError);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /worker crashed/);
  assert.deepEqual(results.slice(2).map((r) => (r as PromiseFulfilledResult<number>).value), [
    9,
    16,
  ]);
  assert.equal(pool.started, 3);
  assert.equal(await pool.run({ op: "sq", x: 5 }), 25);
  pool.close();
});

Deno.test("a task past its time limit fails and its worker is replaced", async () => {
  const pool = new WorkerPool<Task, number>({
    script,
    size: 1,
    init: { offset: 0 },
    timeoutMs: 3000,
  });
  // The limit covers the worker's start-up too, so it is generous for a loaded machine.
  await assert.rejects(pool.run({ op: "sleep", ms: 60000, x: 1 }), /timed out after 3000 ms/);
  assert.equal(await pool.run({ op: "sq", x: 2 }), 4);
  pool.close();
});

Deno.test("an init given as a promise is awaited before the first task; a rejected one fails tasks", async () => {
  let resolve!: (v: { offset: number }) => void;
  const pool = new WorkerPool<Task, number>({
    script,
    size: 2,
    init: new Promise((r) => (resolve = r)),
  });
  const pending = pool.run({ op: "sq", x: 3 });
  setTimeout(() => resolve({ offset: 100 }), 50);
  assert.equal(await pending, 109);
  pool.close();
  const failing = new WorkerPool<Task, number>({
    script,
    size: 1,
    init: Promise.reject(new Error("no library")),
  });
  await assert.rejects(failing.run({ op: "sq", x: 2 }), /no library/);
  await assert.rejects(failing.run({ op: "sq", x: 2 }), /no library/);
  failing.close();
});

Deno.test("a task's system error code (ENOSPC...) survives the thread boundary", async () => {
  const pool = new WorkerPool<Task, number>({ script, size: 1, init: { offset: 0 } });
  const e = await pool.run({ op: "nospace" }).catch((e) => e);
  assert.match(e.message, /No space left on device/);
  assert.equal(e.code, "ENOSPC");
  const plain = await pool.run({ op: "throw" }).catch((e) => e);
  assert.equal(plain.code, undefined);
  pool.close();
});
