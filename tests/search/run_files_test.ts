// Files read back on resume are checked against their schemas and one another: each
// corruption of issue 19 is refused with the file, line, field, what was expected and what was
// found, before anything is evaluated, and no file is changed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { evolve } from "../../src/search/loop/evolve.ts";
import type { CandidateTask, Evaluator } from "../../src/search/evaluate/task.ts";
import type { LibraryEntry } from "../../src/search/run/library.ts";
import { presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { hashString } from "../../src/util/hash.ts";

const library: LibraryEntry[] = [
  { name: "exact", energyPj: 0.56 },
  { name: "rough", energyPj: 0.08 },
];
const config = { ...presetConfig("smoke"), multipliers: library.map((m) => m.name) };

class CountingEvaluator implements Evaluator {
  calls = 0;
  evaluate(task: CandidateTask) {
    this.calls++;
    const approx8 = (hashString(JSON.stringify(task.graph)) % 500) / 1000 + 0.2;
    return Promise.resolve({
      validation: { float: approx8, exact8: approx8, approx8, images: 64 },
      seconds: { train: 0, evaluate: 0 },
      worker: 0,
    });
  }
}

/** A finished 2-generation run in a fresh directory, and its files' bytes. */
async function finishedRun(): Promise<RunDir> {
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "run_files_" }));
  await dir.create(config);
  await evolve(dir, config, library, new CountingEvaluator());
  return dir;
}

async function snapshot(dir: RunDir): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir.path)) {
    if (e.isFile) out[e.name] = await Deno.readTextFile(join(dir.path, e.name));
  }
  return out;
}

type Edit = (json: Record<string, unknown>) => void;
const CASES: { file: string; edit: Edit; error: RegExp }[] = [
  {
    file: "checkpoint.json",
    edit: (c) => c.completed = 5,
    error:
      /checkpoint\.json': field 'completed': expected at most the run's 2 generations, found 5/,
  },
  {
    file: "checkpoint.json",
    edit: (c) => c.completed = "two",
    error: /checkpoint\.json': field 'completed': expected an integer >= 0, found "two"/,
  },
  {
    file: "checkpoint.json",
    edit: (c) => c.completed = -1,
    error: /checkpoint\.json': field 'completed': expected an integer >= 0, found -1/,
  },
  {
    file: "checkpoint.json",
    edit: (c) => c.hypervolume = "x",
    error: /checkpoint\.json': field 'hypervolume': expected a list, found "x"/,
  },
  {
    file: "checkpoint.json",
    edit: (c) => (c.hypervolume as unknown[])[1] = "x",
    error:
      /checkpoint\.json': field 'hypervolume\[1\]': expected a number in \[0, Infinity\], found "x"/,
  },
  {
    file: "checkpoint.json",
    edit: (c) => (c.population as string[])[2] = "g7-c9",
    error:
      /checkpoint\.json': field 'population\[2\]': expected an id of '.*evaluations\.jsonl' up to generation 2, each once, found "g7-c9"/,
  },
  {
    file: "config.json",
    edit: (c) => c.workers = -3,
    error: /config\.json': field 'workers': expected an integer >= 1, found -3/,
  },
  {
    file: "config.json",
    edit: (c) => (c.candidate as Record<string, unknown>).trainImages = "many",
    error: /config\.json': field 'candidate\.trainImages': expected an integer >= 1, found "many"/,
  },
  {
    file: "config.json",
    edit: (c) => c.population = 0,
    error: /config\.json': field 'population': expected an integer >= 2, found 0/,
  },
  {
    file: "config.json",
    edit: (c) => c.popluation = 4,
    error: /config\.json': field 'popluation': expected no such field/,
  },
];

Deno.test("each corrupted config or checkpoint is refused by name, and nothing changes", async () => {
  const dir = await finishedRun();
  try {
    const good = await snapshot(dir);
    for (const { file, edit, error } of CASES) {
      const json = JSON.parse(good[file]);
      edit(json);
      await Deno.writeTextFile(dir.file(file), JSON.stringify(json, null, 2));
      const before = await snapshot(dir);
      const ev = new CountingEvaluator();
      await assert.rejects(evolve(dir, { ...config, generations: 3 }, library, ev), error);
      assert.equal(ev.calls, 0, `${file}: nothing evaluated`);
      assert.deepEqual(await snapshot(dir), before, `${file}: no file changed`);
      await Deno.writeTextFile(dir.file(file), good[file]);
    }
  } finally {
    await Deno.remove(dir.path, { recursive: true });
  }
});

Deno.test("an evaluation line that is not a record is refused by line and field", async () => {
  const dir = await finishedRun();
  try {
    const file = dir.file("evaluations.jsonl");
    const good = await Deno.readTextFile(file);
    const lines = good.trimEnd().split("\n");
    const edits: [number, Edit, RegExp][] = [
      [
        5,
        (r) => r.objectives = ["a", "b"],
        /evaluations\.jsonl' line 6: field 'objectives': expected at least 3 item\(s\), found \["a","b"\]/,
      ],
      [
        2,
        (r) => (r.objectives as number[])[0] = 0.01,
        /line 3: field 'objectives\[0\]': expected [\d.]+ \(the record's own figures\), found 0\.01/,
      ],
      [
        4,
        (r) => r.id = "g0-c1",
        new RegExp(`line 5: field 'id': expected "${JSON.parse(lines[4]).id}" \\(its generation`),
      ],
      [3, (r) => r.genome = [1, -2], /line 4: field 'genome\[1\]': expected an integer >= 0/],
    ];
    for (const [at, edit, error] of edits) {
      const record = JSON.parse(lines[at]);
      edit(record);
      const text = [...lines.slice(0, at), JSON.stringify(record), ...lines.slice(at + 1)]
        .join("\n") + "\n";
      await Deno.writeTextFile(file, text + '{"id": "g9-c'); // and a cut last line
      await assert.rejects(dir.readEvaluations(), error);
      assert.equal(await Deno.readTextFile(file), text + '{"id": "g9-c', "not even repaired");
    }
    // The same line twice (two processes on one run, before the lock).
    await Deno.writeTextFile(file, good + lines[7] + "\n");
    await assert.rejects(
      dir.readEvaluations(),
      new RegExp(
        `line ${lines.length + 1}: record ${JSON.parse(lines[7]).id} is on line 8 already`,
      ),
    );
  } finally {
    await Deno.remove(dir.path, { recursive: true });
  }
});

Deno.test("a checkpoint must agree with the log: whole generations, none beyond", async () => {
  const dir = await finishedRun();
  try {
    const file = dir.file("evaluations.jsonl");
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    // Generation 1 lost a record: the checkpoint says it is done.
    await Deno.writeTextFile(file, lines.filter((_, i) => i !== 5).join("\n") + "\n");
    await assert.rejects(
      dir.readCheckpoint(),
      /says 3 generation\(s\) are done \(completed: 2\), but '.*evaluations\.jsonl' holds 3 of generation 1's 4 evaluations/,
    );
    await Deno.remove(dir.file("checkpoint.json"));
    await assert.rejects(
      dir.readCheckpoint(),
      /holds g1-c\d of generation 1, but the run has no checkpoint\.json/,
    );
  } finally {
    await Deno.remove(dir.path, { recursive: true });
  }
});
