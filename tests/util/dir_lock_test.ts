// One writer per directory: a second lock is refused naming the holder; released, it can be
// taken again; a lock whose holder is gone is said and taken over.
import assert from "node:assert/strict";
import { join } from "node:path";
import { DirLockedError, LOCK_FILE, lockDirectory } from "../../src/util/dir_lock.ts";

Deno.test("a second lock is refused with the holder named; released, it is free again", async () => {
  const dir = join(await Deno.makeTempDir({ prefix: "dir_lock_" }), "new", "run");
  const first = await lockDirectory(dir, "run directory");
  assert.equal(first.stale, undefined);
  const holder = JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE)));
  assert.equal(holder.pid, Deno.pid);
  assert.match(holder.started, /^\d{4}-\d\d-\d\dT/);
  await assert.rejects(
    lockDirectory(dir, "run directory"),
    (e: Error) =>
      e instanceof DirLockedError &&
      e.message.includes(`the run directory '${dir}' is in use by process ${Deno.pid} on `) &&
      e.message.includes("wait for it to end, or stop it"),
  );
  first.release();
  assert.equal(await Deno.readTextFile(join(dir, LOCK_FILE)), "", "released: emptied, kept");
  const again = await lockDirectory(dir, "run directory");
  assert.equal(again.stale, undefined);
  again.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a lock left by a process that is gone is said and taken over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dir_lock_" });
  const gone = {
    pid: 2 ** 22 + 17, // above Linux's pid_max: no such process
    hostname: "the machine that ran it",
    started: "2026-01-01T00:00:00.000Z",
    command: "deno evolve.ts --resume R",
  };
  await Deno.writeTextFile(join(dir, LOCK_FILE), JSON.stringify(gone));
  const lock = await lockDirectory(dir, "run directory");
  assert.deepEqual(lock.stale, gone);
  assert.equal(JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE))).pid, Deno.pid);
  lock.release();
  await Deno.remove(dir, { recursive: true });
});
