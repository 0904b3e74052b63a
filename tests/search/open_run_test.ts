// openRun: a new run directory from the flags, or a stored run resumed; the library its
// genes index resolved once, exact first.
import assert from "node:assert/strict";
import { join } from "node:path";
import { openRun } from "../../src/search/run/open_run.ts";
import { getMultiplier } from "../../src/multipliers/library.ts";

Deno.test("openRun creates a run, resumes it with more generations, refuses to create it twice", async () => {
  const root = await Deno.makeTempDir({ prefix: "open_run_" });
  const run = join(root, "r");
  try {
    const made = await openRun({
      preset: "smoke",
      run,
      workers: "1",
      multipliers: "mul8u_trunc8,mul8u_exact",
    });
    assert.deepEqual(made.config.multipliers, ["mul8u_exact", "mul8u_trunc8"]);
    assert.deepEqual(made.library.map(({ name, energyPj }) => ({ name, energyPj })), [
      { name: "mul8u_exact", energyPj: (await getMultiplier("mul8u_exact")).energyPj },
      { name: "mul8u_trunc8", energyPj: (await getMultiplier("mul8u_trunc8")).energyPj },
    ]);
    assert.deepEqual(await made.dir.readConfig(), made.config);
    made.lock.release(); // one process at a time on a run: this one is done with it

    const resumed = await openRun({ resume: run, generations: "5" });
    assert.deepEqual(resumed.config, { ...made.config, generations: 5 });
    assert.deepEqual(await resumed.dir.readConfig(), resumed.config, "stored for the next resume");
    assert.deepEqual(resumed.library, made.library);
    assert.equal(made.library[1].table.length, 65536, "resolved with its product table");
    resumed.lock.release();

    await assert.rejects(openRun({ preset: "smoke", run }), /already holds a run/);
    await assert.rejects(
      openRun({ preset: "smoke", run: join(root, "s"), multipliers: "nope" }),
      /--multipliers: 'nope' is not in the library/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
