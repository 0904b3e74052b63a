import assert from "node:assert/strict";
import { evolve } from "../../src/search/loop/evolve.ts";
import type { CandidateTask, Evaluator } from "../../src/search/evaluate/task.ts";
import type { LibraryEntry } from "../../src/search/run/library.ts";
import { hashString } from "../../src/util/hash.ts";
import { presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { graphCost } from "../../src/graph/count.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";

const library: LibraryEntry[] = [
  { name: "exact", energyPj: 0.56 },
  { name: "mild", energyPj: 0.35 },
  { name: "rough", energyPj: 0.08 },
];
const config = {
  ...presetConfig("smoke"),
  multipliers: library.map((m) => m.name),
  generations: 3,
};

/**
 * A stand-in for training: accuracy grows with size and falls with rougher multipliers, a
 * pure function of the task; it answers after a delay so that tasks finish out of order.
 */
class FakeEvaluator implements Evaluator {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  constructor(readonly slots: number, readonly seed = 0) {}
  async evaluate(task: CandidateTask) {
    this.calls++;
    while (this.inFlight >= this.slots) await new Promise((r) => setTimeout(r, 1));
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const h = hashString(JSON.stringify(task.graph) + this.seed);
    await new Promise((r) => setTimeout(r, h % 7));
    this.inFlight--;
    const params = graphCost(task.graph).params;
    const rough = Object.values(task.multipliers).filter((m) => m === "rough").length;
    const approx8 = Math.min(0.95, 0.2 + params / 40000 + (h % 100) / 1000) -
      0.05 * Math.min(rough, 1);
    return {
      validation: { float: approx8 + 0.01, exact8: approx8 + 0.005, approx8, images: 64 },
      seconds: { train: 0, evaluate: 0 },
      worker: 0,
    };
  }
}

async function tempRun(): Promise<RunDir> {
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "evolve_test_" }));
  await dir.create(config);
  return dir;
}

const strip = (rs: EvaluationRecord[]) => rs.map(({ worker: _w, ...r }) => r);

Deno.test("a search runs every generation and logs every evaluation", async () => {
  const dir = await tempRun();
  const ev = new FakeEvaluator(2);
  const { population, checkpoint } = await evolve(dir, config, library, ev);
  const log = await dir.readEvaluations();
  assert.equal(log.length, config.population + config.offspring * config.generations);
  assert.equal(checkpoint.completed, config.generations);
  assert.equal(checkpoint.hypervolume.length, config.generations + 1);
  assert.ok(checkpoint.hypervolume.every((v) => v >= 0 && v <= 1.1 ** 3));
  assert.equal(population.length, config.population);
  assert.ok(ev.maxInFlight <= 2);
  // Trained candidates only: infeasible ones and repeated phenotypes are not trained again.
  const trained = log.filter((r) => r.violation === 0 && !r.reusedFrom && !r.error).length;
  assert.equal(ev.calls, trained);
  for (const r of log) {
    assert.equal(r.objectives[1], r.params);
    if (r.reusedFrom) {
      assert.deepEqual(
        r.objectives,
        log.find((x) => x.id === r.reusedFrom)!.objectives,
      );
    }
  }
  await Deno.remove(dir.path, { recursive: true });
});

Deno.test("the same seed gives the same search whatever the number of workers", async () => {
  const a = await tempRun(), b = await tempRun();
  await evolve(a, config, library, new FakeEvaluator(1));
  await evolve(b, config, library, new FakeEvaluator(4));
  assert.deepEqual(
    strip(await a.readEvaluations()).sort((x, y) => x.id.localeCompare(y.id)),
    strip(await b.readEvaluations()).sort((x, y) => x.id.localeCompare(y.id)),
  );
  assert.deepEqual((await a.readCheckpoint())!.population, (await b.readCheckpoint())!.population);
  const c = await tempRun();
  await evolve(c, { ...config, seed: 2 }, library, new FakeEvaluator(2));
  assert.notDeepEqual(
    (await c.readEvaluations()).map((r) => r.genome),
    (await a.readEvaluations()).map((r) => r.genome),
  );
  for (const d of [a, b, c]) await Deno.remove(d.path, { recursive: true });
});

/** A run directory that "dies" (throws) when asked to log its n-th evaluation. */
class DyingRunDir extends RunDir {
  writes = 0;
  constructor(path: string, readonly dieAt: number) {
    super(path);
  }
  override appendEvaluation(rec: EvaluationRecord): Promise<void> {
    if (++this.writes === this.dieAt) throw new Error("killed");
    return super.appendEvaluation(rec);
  }
}

Deno.test("a killed search resumes without repeating or losing an evaluation, to the same end", async () => {
  const whole = await tempRun();
  await evolve(whole, config, library, new FakeEvaluator(2));

  const cut = await tempRun();
  await assert.rejects(
    evolve(new DyingRunDir(cut.path, 11), config, library, new FakeEvaluator(2)),
    /killed/,
  );
  const before = await cut.readEvaluations();
  assert.ok(before.length >= 10 && before.length < 10 + config.offspring);
  // A half-written last line (killed mid-append) is dropped, not an error.
  await Deno.writeTextFile(cut.file("evaluations.jsonl"), '{"id": "g9-c', { append: true });
  const ev = new FakeEvaluator(2);
  await evolve(cut, config, library, ev);
  const after = await cut.readEvaluations();
  assert.equal(new Set(after.map((r) => r.id)).size, after.length, "no evaluation repeated");
  assert.deepEqual(
    strip(after).sort((x, y) => x.id.localeCompare(y.id)),
    strip(await whole.readEvaluations()).sort((x, y) => x.id.localeCompare(y.id)),
  );
  assert.deepEqual(
    (await cut.readCheckpoint())!.population,
    (await whole.readCheckpoint())!.population,
  );
  for (const d of [whole, cut]) await Deno.remove(d.path, { recursive: true });
});

Deno.test("extending a finished run equals running longer from the start", async () => {
  const short = await tempRun(), long = await tempRun();
  await evolve(short, { ...config, generations: 1 }, library, new FakeEvaluator(2));
  await evolve(short, config, library, new FakeEvaluator(2));
  await evolve(long, config, library, new FakeEvaluator(2));
  assert.deepEqual(
    (await short.readCheckpoint())!.population,
    (await long.readCheckpoint())!.population,
  );
  assert.deepEqual(
    (await short.readCheckpoint())!.hypervolume,
    (await long.readCheckpoint())!.hypervolume,
  );
  // The archive's hypervolume too, whether carried over from the checkpoint or, for a
  // checkpoint written before the archive existed, recomputed from the log.
  const expected = (await long.readCheckpoint())!.archiveHypervolume;
  assert.equal(expected!.length, config.generations + 1);
  assert.deepEqual((await short.readCheckpoint())!.archiveHypervolume, expected);
  const old = await tempRun();
  await evolve(old, { ...config, generations: 1 }, library, new FakeEvaluator(2));
  const { archiveHypervolume: _dropped, ...before } = (await old.readCheckpoint())!;
  await old.writeCheckpoint(before);
  await evolve(old, config, library, new FakeEvaluator(2));
  assert.deepEqual((await old.readCheckpoint())!.archiveHypervolume, expected);
  for (const d of [short, long, old]) await Deno.remove(d.path, { recursive: true });
});

Deno.test("a candidate whose training fails is recorded with its error and ranked last", async () => {
  const dir = await tempRun();
  const failing: Evaluator = {
    evaluate: (t) => {
      if (hashString(t.id) % 3 === 0) return Promise.reject(new Error("out of memory (test)"));
      return new FakeEvaluator(1).evaluate(t);
    },
  };
  const { population } = await evolve(dir, config, library, failing);
  const log = await dir.readEvaluations();
  const failed = log.filter((r) => r.error);
  assert.ok(failed.length > 0);
  const lines = (await Deno.readTextFile(dir.file("evaluations.jsonl"))).split("\n");
  for (const r of failed) {
    assert.match(r.error!, /out of memory \(test\)/);
    // Infinity is written as null in JSON, and read back (checked) as Infinity.
    assert.match(lines.find((l) => l.includes(`"id":"${r.id}"`))!, /"objectives":\[null,/);
    assert.equal(r.objectives[0], Infinity);
  }
  // Parents are only failed ones when nothing better exists.
  const ok = log.filter((r) => !r.error && r.violation === 0).length;
  if (ok >= config.population) assert.ok(population.every((r) => !r.error));
  await Deno.remove(dir.path, { recursive: true });
});
