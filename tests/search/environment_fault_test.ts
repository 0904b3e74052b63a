// A fault of the machine (no space, an I/O error, read-only, no permission) is never a
// candidate's result: the search stops with the error, records nothing as failed, and a
// resume does the work again, to the end an uninterrupted run reaches. (The same on a real
// full disk, in a subprocess: tests/faults/.)
import assert from "node:assert/strict";
import { evolve } from "../../src/search/loop/evolve.ts";
import { retrainFront } from "../../src/search/final/retrain.ts";
import type {
  CandidateTask,
  Evaluator,
  FinalTask,
  FinalTrainer,
} from "../../src/search/evaluate/task.ts";
import type { LibraryEntry } from "../../src/search/run/library.ts";
import { presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";
import { isEnvironmentFault } from "../../src/util/environment_fault.ts";
import { hashString } from "../../src/util/hash.ts";

const library: LibraryEntry[] = [
  { name: "exact", energyPj: 0.56 },
  { name: "rough", energyPj: 0.08 },
];
const config = { ...presetConfig("smoke"), multipliers: library.map((m) => m.name) };

const fault = (code: string) => Object.assign(new Error(`${code} (test)`), { code });

class Stand implements Evaluator, FinalTrainer {
  constructor(readonly failWith?: (id: string) => Error | undefined) {}
  evaluate(task: CandidateTask) {
    const e = this.failWith?.(task.id);
    if (e) return Promise.reject(e);
    const approx8 = (hashString(JSON.stringify(task.graph)) % 500) / 1000 + 0.2;
    return Promise.resolve({
      validation: { float: approx8, exact8: approx8, approx8, images: 64 },
      seconds: { train: 0, evaluate: 0 },
      worker: 0,
      model: new TextEncoder().encode(`model of ${task.id}`),
    });
  }
  retrain(task: FinalTask) {
    const e = this.failWith?.(`final ${task.id}`);
    if (e) return Promise.reject(e);
    return Promise.resolve({
      test: { float: 0.5, exact8: 0.5, approx8: 0.5, images: 120 },
      model: new TextEncoder().encode(`final model of ${task.id}`),
      seconds: 1,
    });
  }
}

/** A run directory whose disk fills up at the n-th model file. */
class FillingRunDir extends RunDir {
  writes = 0;
  constructor(path: string, readonly fullAt: number) {
    super(path);
  }
  override writeSearchModel(id: string, bytes: Uint8Array): Promise<string> {
    if (++this.writes >= this.fullAt) return Promise.reject(fault("ENOSPC"));
    return super.writeSearchModel(id, bytes);
  }
}

async function newRun(): Promise<RunDir> {
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "env_fault_" }));
  await dir.create(config);
  return dir;
}

const decided = (rs: EvaluationRecord[]) =>
  rs.map(({ worker: _w, seconds: _s, ...r }) => r).sort((a, b) => a.id.localeCompare(b.id));

Deno.test("system error codes of the machine's faults are told from a task's errors", () => {
  for (const code of ["ENOSPC", "EIO", "EROFS", "EACCES", "EPERM", "EDQUOT"]) {
    assert.ok(isEnvironmentFault(fault(code)), code);
  }
  assert.ok(isEnvironmentFault(new Deno.errors.PermissionDenied("no")));
  assert.ok(!isEnvironmentFault(new Error("out of memory")));
  assert.ok(!isEnvironmentFault(new RangeError("WebAssembly.Memory.grow(): Maximum")));
  assert.ok(!isEnvironmentFault(null));
});

Deno.test("a model file that cannot be written stops the search; the resume redoes it", async () => {
  const whole = await newRun();
  await evolve(whole, config, library, new Stand());
  const cut = await newRun();
  await assert.rejects(
    evolve(new FillingRunDir(cut.path, 6), config, library, new Stand()),
    /ENOSPC \(test\) \(while writing the model file of g\d-c\d\)\. Nothing of it was recorded/,
  );
  const logged = await cut.readEvaluations();
  assert.ok(logged.length >= 4 && logged.length < 12, `${logged.length} logged`);
  assert.ok(logged.every((r) => !r.error), "no failure recorded");
  await evolve(cut, config, library, new Stand());
  assert.deepEqual(decided(await cut.readEvaluations()), decided(await whole.readEvaluations()));
  for (const d of [whole, cut]) await Deno.remove(d.path, { recursive: true });
});

Deno.test("a worker's I/O error is not the candidate's: nothing recorded, the run stops", async () => {
  const dir = await newRun();
  const eio = new Stand((id) => id === "g0-c2" ? fault("EIO") : undefined);
  await assert.rejects(
    evolve(dir, config, library, eio),
    /EIO \(test\) \(while evaluating g0-c2\)/,
  );
  assert.ok((await dir.readEvaluations()).every((r) => r.id !== "g0-c2" && !r.error));
  // A task's own error still is its result.
  const oom = new Stand((id) => id === "g0-c2" ? new Error("out of memory") : undefined);
  await evolve(dir, config, library, oom);
  const g0c2 = (await dir.readEvaluations()).find((r) => r.id === "g0-c2")!;
  assert.match(g0c2.error!, /out of memory/);
  await Deno.remove(dir.path, { recursive: true });
});

Deno.test("the final retraining: a full disk is not a failed network", async () => {
  const dir = await newRun();
  await evolve(dir, config, library, new Stand());
  const evaluations = await dir.readEvaluations();
  const full = new Stand((id) => id.startsWith("final ") ? fault("ENOSPC") : undefined);
  await assert.rejects(
    retrainFront(dir, config, library, evaluations, full),
    /ENOSPC \(test\) \(while retraining g\d-c\d\)/,
  );
  assert.deepEqual(await dir.readFinal(), [], "nothing recorded as failed");
  const finals = await retrainFront(dir, config, library, evaluations, new Stand());
  assert.ok(finals.length > 0 && finals.every((f) => !f.error));
  await Deno.remove(dir.path, { recursive: true });
});
