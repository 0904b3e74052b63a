// A run directory's stored files on resume: a missing config or an unreadable checkpoint is an
// error naming the file; a checkpoint not written yet is null.
import assert from "node:assert/strict";
import { RunDir } from "../../src/search/run/run_dir.ts";

Deno.test("resume: no config.json, a checkpoint not yet written, and one that is not JSON", async () => {
  const path = await Deno.makeTempDir({ prefix: "rundir_" });
  const dir = new RunDir(path);
  await assert.rejects(
    dir.readConfig(),
    (e: Error) => e.message === `Cannot resume '${path}': it has no config.json`,
  );
  assert.equal(await dir.readCheckpoint(), null);
  await Deno.writeTextFile(`${path}/checkpoint.json`, "{ half");
  await assert.rejects(
    dir.readCheckpoint(),
    (e: Error) =>
      e.message.startsWith(`Cannot resume: '${path}/checkpoint.json' is not valid JSON`),
  );
  await Deno.writeTextFile(`${path}/config.json`, "[");
  await assert.rejects(dir.readConfig(), /Cannot resume: '.*config\.json' is not valid JSON/);
  await Deno.remove(path, { recursive: true });
});
