// Behaviour pinned across refactors: a smoke search on synthetic data must give the same
// evaluations, checkpoint, final records, Pareto set and model-file contents as the fixture
// recorded before the code was reorganised. Re-record (only for an intended change of
// behaviour, said in the commit) with:
//   RECORD_FIXTURE=1 deno task test tests/search/smoke_fixture_test.ts
import assert from "node:assert/strict";
import { presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { evolve } from "../../src/search/loop/evolve.ts";
import { retrainFront } from "../../src/search/final/retrain.ts";
import { writeReport } from "../../src/search/report/write_report.ts";
import { carveSearchData } from "../../src/search/evaluate/data.ts";
import { SearchPool } from "../../src/search/evaluate/pool.ts";
import { compileEngine } from "../../src/engine/wasm.ts";
import { getMultiplier } from "../../src/multipliers/library.ts";
import { readModelFile } from "../../src/model/model_file.ts";
import { Rng } from "../../src/util/rng.ts";

const FIXTURE = new URL("./fixtures/smoke_search.json", import.meta.url);
const NAMES = ["mul8u_exact", "mul8u_trunc8", "mul8u_ot_a4b4"];

/** Images whose class is which colour plane is brightest (3 classes of 10 used). */
function synthetic(n: number, seed: number) {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(3);
    for (let j = 0; j < 3072; j++) {
      images[i * 3072 + j] = (Math.floor(j / 1024) === labels[i] ? 120 : 40) + rng.int(100);
    }
  }
  return { images, labels };
}

/** SHA-256 of a float array's bytes, hex. */
async function digest(values: Float32Array): Promise<string> {
  const bytes = new Uint8Array(values.byteLength);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What the run decided, without timings, worker numbers or dates. */
async function snapshot() {
  const config = { ...presetConfig("smoke"), multipliers: NAMES, workers: 2 };
  const library = await Promise.all(
    NAMES.map(async (n) => ({ name: n, energyPj: (await getMultiplier(n)).energyPj })),
  );
  const data = carveSearchData(synthetic(400, 1), synthetic(120, 2), config);
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "smoke_fixture_" }));
  await dir.create(config);
  const pool = new SearchPool(await compileEngine(), data, 2);
  try {
    const { checkpoint } = await evolve(dir, config, library, pool);
    const finals = await retrainFront(dir, config, library, await dir.readEvaluations(), pool);
    const evaluations = await dir.readEvaluations();
    await writeReport(dir.path, config, evaluations, finals, checkpoint);
    const models: Record<string, { params: string; state: string; meta: unknown }> = {};
    for (const f of finals) {
      const m = await readModelFile(dir.file(f.model));
      models[f.model] = {
        params: await digest(m.params),
        state: await digest(m.state),
        meta: m.meta.multipliers,
      };
    }
    return {
      evaluations: evaluations
        .map(({ seconds: _s, worker: _w, ...rest }) => rest)
        .sort((a, b) => a.id.localeCompare(b.id)),
      checkpoint: { ...checkpoint, updated: undefined },
      finals: finals.map(({ seconds: _s, ...rest }) => rest),
      paretoCsv: await Deno.readTextFile(dir.file("pareto.csv")),
      models,
    };
  } finally {
    pool.close();
    await Deno.remove(dir.path, { recursive: true });
  }
}

Deno.test("a smoke search gives the evaluations, fronts and model files recorded before", async () => {
  const now = JSON.parse(JSON.stringify(await snapshot()));
  if (Deno.env.get("RECORD_FIXTURE") === "1") {
    await Deno.mkdir(new URL("./fixtures", import.meta.url), { recursive: true });
    await Deno.writeTextFile(FIXTURE, JSON.stringify(now, null, 1) + "\n");
  }
  const recorded = JSON.parse(await Deno.readTextFile(FIXTURE));
  assert.deepEqual(now.evaluations, recorded.evaluations);
  assert.deepEqual(now.checkpoint, recorded.checkpoint);
  assert.deepEqual(now.finals, recorded.finals);
  assert.equal(now.paretoCsv, recorded.paretoCsv);
  assert.deepEqual(now.models, recorded.models);
  assert.ok(recorded.evaluations.length >= 8, "the fixture holds a whole smoke search");
});
