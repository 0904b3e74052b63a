/**
 * Fault injection on whole search processes (tests/faults/_search_entry.ts: evolve's flags,
 * run directory, loop, final retraining and report, with a stand-in for training): kills at
 * random moments then resumes, a disk that fills up (a tiny tmpfs, where this machine lets
 * the test mount one), each corrupted file of issue 19, bad flags, and two processes on one
 * run. Every case ends with an uninterrupted run's evaluations, checkpoint, Pareto set, final
 * records and model files, or with a clear error, a non-zero exit and no file changed.
 *
 * Needs permission to run deno (Deno.execPath()); `mount` for the tmpfs case (else skipped,
 * said once).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../../src/util/rng.ts";

const ENTRY = fileURLToPath(new URL("./_search_entry.ts", import.meta.url));
const DENO = Deno.execPath();
const canRun = Deno.permissions.querySync({ name: "run", command: DENO }).state === "granted";
if (!canRun) console.log(`fault-injection tests skipped: the test may not run ${DENO}`);

/** A new run: the smoke preset, 3 generations, three multipliers, two workers. */
const NEW_RUN = [
  "--preset",
  "smoke",
  "--generations",
  "3",
  "--multipliers",
  "mul8u_exact,mul8u_trunc8,mul8u_ot_a4b4",
  "--workers",
  "2",
];

interface Outcome {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the entry with `args`; `killAfterMs`: SIGKILL it then, if it still runs. */
async function search(
  args: string[],
  opts: { killAfterMs?: number; delayMs?: number } = {},
): Promise<Outcome> {
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "--allow-all", ENTRY, ...args],
    env: { STAND_IN_DELAY_MS: String(opts.delayMs ?? 40), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // it ended already
    }
  }, opts.killAfterMs);
  const out = await child.output();
  clearTimeout(timer);
  return {
    code: out.code,
    signal: out.signal,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    ms: performance.now() - t0,
  };
}

function ok(o: Outcome, what: string): void {
  assert.equal(o.code, 0, `${what}: exit ${o.code}\n${o.stdout}\n${o.stderr}`);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/** What a run decided, without times and worker numbers. */
async function outcome(dir: string) {
  const read = (name: string) => Deno.readTextFile(join(dir, name));
  const evaluations = lines(await read("evaluations.jsonl"));
  const ids = evaluations.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, `${dir}: no evaluation twice`);
  const finals = [...new Map(lines(await read("final.jsonl")).map((r) => [r.id, r])).values()];
  const checkpoint = JSON.parse(await read("checkpoint.json"));
  const models: Record<string, string> = {};
  for (const f of finals) models[f.model] = await sha256(await Deno.readFile(join(dir, f.model)));
  for (const id of checkpoint.population) {
    const r = evaluations.find((e) => e.id === id);
    if (r.model) models[r.model] = await sha256(await Deno.readFile(join(dir, r.model)));
  }
  return {
    evaluations: evaluations.map(({ seconds: _s, worker: _w, ...r }) => r)
      .sort((a, b) => a.id.localeCompare(b.id)),
    checkpoint: { ...checkpoint, updated: undefined },
    finals: finals.map(({ seconds: _s, ...r }) => r).sort((a, b) => a.id.localeCompare(b.id)),
    pareto: await read("pareto.csv"),
    models,
  };
}

/** Files of a run directory (recursively), by relative path: their text. */
async function files(dir: string, sub = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(join(dir, sub))) {
    const rel = join(sub, e.name);
    if (e.isDirectory) Object.assign(out, await files(dir, rel));
    else if (e.isFile) out[rel] = await sha256(await Deno.readFile(join(dir, rel)));
  }
  return out;
}

/** Temporary directories, removed when the tests end. */
const temporary: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of temporary) Deno.removeSync(d, { recursive: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: `faults_${prefix}_` });
  temporary.push(dir);
  return dir;
}

/** The uninterrupted run every other case must end like, made once. */
let reference: Promise<{ dir: string; ms: number; result: Awaited<ReturnType<typeof outcome>> }>;
function uninterrupted() {
  reference ??= (async () => {
    const dir = join(await tempDir("whole"), "run");
    const o = await search([...NEW_RUN, "--run", dir]);
    ok(o, "the uninterrupted run");
    return { dir, ms: o.ms, result: await outcome(dir) };
  })();
  return reference;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test({
  name: "killed at random moments and resumed, a run ends as an uninterrupted one (3 seeds)",
  ignore: !canRun,
}, async () => {
  const whole = await uninterrupted();
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed);
    const dir = join(await tempDir(`killed${seed}`), "run");
    let kills = 0;
    for (let attempt = 0;; attempt++) {
      assert.ok(attempt < 12, `seed ${seed}: still not finished after ${attempt} starts`);
      const started = await exists(join(dir, "config.json"));
      const args = started ? ["--resume", dir] : [...NEW_RUN, "--run", dir];
      // Up to 4 kills, anywhere from the start to the end of an uninterrupted run.
      const killAfterMs = kills < 4 ? 150 + rng.next() * whole.ms : undefined;
      const o = await search(args, { killAfterMs });
      if (o.signal === "SIGKILL") {
        kills++;
        continue;
      }
      ok(o, `seed ${seed}, start ${attempt}`);
      if (started) assert.match(o.stdout, /resuming .*: \d+ evaluation\(s\) in its log/);
      break;
    }
    assert.deepEqual(await outcome(dir), whole.result, `seed ${seed} after ${kills} kill(s)`);
  }
});

Deno.test({
  name: "a stale lock left by a killed process is said and taken over",
  ignore: !canRun,
}, async () => {
  const dir = join(await tempDir("stale"), "run");
  const killed = await search([...NEW_RUN, "--run", dir], { delayMs: 400, killAfterMs: 1500 });
  assert.equal(killed.signal, "SIGKILL");
  assert.match(await Deno.readTextFile(join(dir, "lock")), /"pid":\d+/);
  const o = await search(["--resume", dir, "--no-final"]);
  ok(o, "the resume");
  assert.match(o.stdout, /was locked by process \d+ on .*which is gone \(killed\?\); taken over/);
  assert.equal(await Deno.readTextFile(join(dir, "lock")), "", "released at exit");
});

Deno.test({
  name: "two processes on one run: the second is refused naming the first; nothing twice",
  ignore: !canRun,
}, async () => {
  const whole = await uninterrupted();
  const dir = join(await tempDir("twice"), "run");
  const first = await search([...NEW_RUN, "--run", dir], { killAfterMs: 1200 });
  assert.ok(first.signal === "SIGKILL" || first.code === 0);
  // Two resumes at once, slow enough to overlap.
  const [a, b] = await Promise.all([
    search(["--resume", dir], { delayMs: 150 }),
    new Promise((r) => setTimeout(r, 300)).then(() => search(["--resume", dir], { delayMs: 150 })),
  ]);
  const refused = [a, b].filter((o) => o.code !== 0);
  assert.equal(refused.length, 1, `one refused:\n${a.stderr}\n${b.stderr}`);
  assert.match(
    refused[0].stderr,
    /the run directory '.*' is in use by process \d+ on .* \(started .*\): wait for it to end/,
  );
  assert.deepEqual(await outcome(dir), whole.result);
  // Two new runs in one directory at once: one is refused.
  const fresh = join(await tempDir("fresh"), "run");
  const both = await Promise.all([0, 1].map(() => search([...NEW_RUN, "--run", fresh])));
  assert.equal(both.filter((o) => o.code === 0).length, 1);
  assert.match(both.find((o) => o.code !== 0)!.stderr, /is in use by process|already holds a run/);
  assert.deepEqual(await outcome(fresh), whole.result);
});

/** Edits a JSON file of the run (a line of a JSON-lines file when `line` is given). */
async function corrupt(path: string, edit: (v: Record<string, unknown>) => void, line?: number) {
  const text = await Deno.readTextFile(path);
  if (line === undefined) {
    const v = JSON.parse(text);
    edit(v);
    await Deno.writeTextFile(path, JSON.stringify(v, null, 2) + "\n");
    return;
  }
  const all = text.trimEnd().split("\n");
  const v = JSON.parse(all[line - 1]);
  edit(v);
  all[line - 1] = JSON.stringify(v);
  await Deno.writeTextFile(path, all.join("\n") + "\n");
}

Deno.test({
  name:
    "each corrupted file is refused by file, line and field, with a non-zero exit and no change",
  ignore: !canRun,
}, async () => {
  const whole = await uninterrupted();
  const cases: [string, (v: Record<string, unknown>) => void, RegExp, number?][] = [
    ["checkpoint.json", (c) => c.completed = 5, /'completed': expected at most the run's 3 gen/],
    ["checkpoint.json", (c) => c.completed = "two", /'completed': expected an integer >= 0/],
    ["checkpoint.json", (c) => c.completed = -1, /'completed': expected an integer >= 0, found -1/],
    ["checkpoint.json", (c) => c.hypervolume = "x", /'hypervolume': expected a list, found "x"/],
    [
      "checkpoint.json",
      (c) => (c.population as string[])[0] = "g9-c9",
      /'population\[0\]': expected an id of .* found "g9-c9"/,
    ],
    ["config.json", (c) => c.workers = -3, /'workers': expected an integer >= 1, found -3/],
    [
      "config.json",
      (c) => (c.candidate as Record<string, unknown>).trainImages = "many",
      /'candidate\.trainImages': expected an integer >= 1, found "many"/,
    ],
    ["config.json", (c) => c.population = 0, /'population': expected an integer >= 2, found 0/],
    [
      "evaluations.jsonl",
      (r) => r.objectives = ["a", "b"],
      /evaluations\.jsonl' line 3: field 'objectives': expected at least 3 item\(s\)/,
      3,
    ],
  ];
  for (const [file, edit, error, line] of cases) {
    const dir = join(await tempDir("corrupt"), "run");
    await Deno.mkdir(dir);
    for (const [rel] of Object.entries(await files(whole.dir))) {
      await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
      await Deno.copyFile(join(whole.dir, rel), join(dir, rel));
    }
    await corrupt(join(dir, file), edit, line);
    const before = await files(dir);
    const o = await search(["--resume", dir, "--generations", "4"]);
    assert.equal(o.code, 1, `${file}: exit ${o.code}\n${o.stderr}`);
    assert.match(o.stderr, error, file);
    assert.match(o.stderr, new RegExp(file.replace(".", "\\.")), `${file}: the file is named`);
    assert.deepEqual(await files(dir), before, `${file}: no file changed`);
  }
});

Deno.test({
  name: "bad flags are refused at the start, naming what they expect; config.json stays",
  ignore: !canRun,
}, async () => {
  const whole = await uninterrupted();
  const before = await files(whole.dir);
  const never = join(await tempDir("never"), "run");
  const fresh = [...NEW_RUN, "--run", never];
  const refused: [string[], RegExp][] = [
    [[...fresh, "--generations", "-1"], /--generations expects an integer >= 0, found '-1'/],
    [[...fresh, "--multipliers", ""], /--multipliers expects a comma-separated list, found ''/],
    [[...fresh, "--workers", "1000"], /--workers 1000: this machine can hold at most \d+ worker/],
    [[...fresh, "--retrain", "nosuchid"], /--retrain: 'nosuchid' is not a candidate of this run/],
    [
      ["--resume", whole.dir, "--generations", "1"],
      /--generations 1 is below what the run has done: its log holds generation 3/,
    ],
    [
      ["--resume", whole.dir, "--retrain", "g1-c9"],
      /--retrain: 'g1-c9' is not a candidate of this run/,
    ],
    [["--resume", whole.dir, "--workers", "1000"], /this machine can hold at most/],
  ];
  for (const [args, error] of refused) {
    const o = await search(args);
    assert.equal(o.code, 2, `${args.join(" ")}: exit ${o.code}\n${o.stderr}`);
    assert.match(o.stderr, error, args.join(" "));
  }
  assert.deepEqual(await files(whole.dir), before, "the finished run is untouched");
  assert.ok(!(await exists(never)), "no run directory made by a refused start");
  // A resume says what it found.
  const o = await search(["--resume", whole.dir]);
  ok(o, "resume of a finished run");
  assert.match(
    o.stdout,
    /resuming .*: 16 evaluation\(s\) in its log, generation 3 of 3 done; the search is done \(2 network\(s\) retrained so far\)/,
  );
});

/** Mounts a tmpfs of `size` at a new directory, or returns null (and says why) when this
 * machine does not let the test mount one. */
async function tinyDisk(size: string): Promise<string | null> {
  const dir = await tempDir("tmpfs");
  try {
    const o = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (o.success) return dir;
    console.log(`tmpfs case skipped: mount failed (${new TextDecoder().decode(o.stderr).trim()})`);
  } catch (e) {
    console.log(`tmpfs case skipped: cannot run mount (${(e as Error).message})`);
  }
  await Deno.remove(dir);
  return null;
}

Deno.test({
  name: "a full disk stops the run with the error, records no failure, leaves no temporary file",
  ignore: !canRun,
}, async () => {
  const whole = await uninterrupted();
  // Free space after a filler, in KiB: the disk fills up at different points of the run.
  for (const free of [12, 28, 44]) {
    const disk = await tinyDisk("200k");
    if (!disk) return;
    try {
      const filler = new Uint8Array(200 * 1024 - free * 1024);
      await Deno.writeFile(join(disk, "filler"), filler).catch(() => {});
      const dir = join(disk, "run");
      const o = await search([...NEW_RUN, "--run", dir]);
      assert.equal(o.code, 1, `${free} KiB free: exit ${o.code}\n${o.stdout}\n${o.stderr}`);
      assert.match(o.stderr, /No space left on device/, `${free} KiB free`);
      console.log(`${free} KiB free: ${o.stderr.trim().split("\n")[0].slice(0, 160)}`);
      const log = await Deno.readTextFile(join(dir, "evaluations.jsonl")).catch(() => "");
      assert.ok(lines(log).every((r) => r.error === undefined), "no failure recorded");
      const left = Object.keys(await files(dir)).filter((f) => /\.tmp-/.test(f));
      assert.deepEqual(left, [], `${free} KiB free: temporary files removed`);
      // Moved to a disk with room, it goes on to the uninterrupted run's end.
      const moved = join(await tempDir("moved"), "run");
      await new Deno.Command("cp", { args: ["-r", dir, moved] }).output();
      ok(await search(["--resume", moved]), `${free} KiB free, resumed elsewhere`);
      assert.deepEqual(await outcome(moved), whole.result, `${free} KiB free`);
    } finally {
      await new Deno.Command("umount", { args: [disk] }).output();
    }
  }
});
