import assert from "node:assert/strict";
import { join } from "node:path";
import { createDashboard, type Dashboard } from "../../src/dashboard/handler.ts";
import { RunState } from "../../src/dashboard/run_state.ts";
import type { RunSummary } from "../../src/dashboard/run_state.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";
import { type FixtureRun, makeFixtureRun } from "./_fixture.ts";
import { SseReader } from "./_sse.ts";

/** The front by its definition: feasible, measured, and dominated by no other one. */
/** The archive, by brute force: every feasible, trained, first-seen record not dominated. */
function bruteForceFront(records: EvaluationRecord[]): string[] {
  const ok = records.filter((r) => r.violation === 0 && !r.error && r.validation && !r.reusedFrom);
  const dominates = (a: number[], b: number[]) =>
    a.every((v, i) => v <= b[i]) && a.some((v, i) => v < b[i]);
  return ok.filter((r) => !ok.some((o) => dominates(o.objectives, r.objectives)))
    .map((r) => r.id).sort();
}

async function withRun(
  options: Parameters<typeof makeFixtureRun>[0],
  fn: (
    run: FixtureRun,
    dashboard: Dashboard,
    get: (path: string, init?: RequestInit) => Promise<Response>,
  ) => Promise<void>,
) {
  const run = await makeFixtureRun(options);
  const state = await RunState.open(run.dir);
  const dashboard = createDashboard(state, { pollMs: 30, keepAliveMs: 60_000 });
  const get = (path: string, init?: RequestInit) =>
    dashboard.handler(new Request(`http://127.0.0.1${path}`, init));
  try {
    await fn(run, dashboard, get);
  } finally {
    dashboard.close();
    await run.remove();
  }
}

const slim = (r: EvaluationRecord) => {
  const { phenotype: _p, ...rest } = r;
  return JSON.parse(JSON.stringify(rest));
};

Deno.test("/api/run gives config, checkpoint, the front of every evaluation and counts", () =>
  withRun({ evaluations: 140, finals: 2 }, async (run, _d, get) => {
    const res = await get("/api/run");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const s: RunSummary = await res.json();
    assert.deepEqual(s.config, run.config);
    assert.deepEqual(s.checkpoint, run.checkpoint);
    const byId = new Map(run.records.map((r) => [r.id, r]));
    const expected = bruteForceFront(run.records);
    assert.ok(expected.length >= 2, "a front of several networks");
    assert.deepEqual([...s.front].sort(), expected);
    const energies = s.front.map((id) => byId.get(id)!.energyNj);
    assert.deepEqual(energies, [...energies].sort((a, b) => a - b), "by increasing energy");
    assert.equal(s.evaluations, 140);
    assert.equal(
      s.expectedEvaluations,
      run.config.population + run.config.offspring * run.config.generations,
    );
    assert.equal(s.failed, run.records.filter((r) => r.error).length);
    assert.equal(s.reused, run.records.filter((r) => r.reusedFrom && !r.error).length);
    assert.equal(s.trained + s.reused + s.infeasible + s.failed, 140);
    assert.equal(s.finals, 2);
    assert.equal(s.phase, "finished");
    assert.equal(s.problem, null);
    assert.ok(s.started && s.lastWrite && Date.parse(s.lastWrite) >= Date.parse(s.started));
  }));

Deno.test("a run is finished once its report is newer than its last checkpoint", () =>
  withRun({ evaluations: 60, finals: 1 }, async (run, _d, get) => {
    const phase = async () => ((await (await get("/api/run")).json()) as RunSummary).phase;
    assert.equal(run.checkpoint?.completed, run.config.generations);
    assert.equal(await phase(), "finished");
    const report = join(run.dir, "pareto.md"), checkpoint = join(run.dir, "checkpoint.json");
    const t = Date.now() / 1000;
    await Deno.utime(report, t - 60, t - 60);
    await Deno.utime(checkpoint, t, t);
    assert.equal(await phase(), "retraining", "a report from before an extension");
    await Deno.remove(report);
    assert.equal(await phase(), "retraining");
    await Deno.writeTextFile(report, "# report\n");
    // File times come from a coarser clock than Date.now(): state the order explicitly.
    await Deno.utime(report, t + 1, t + 1);
    assert.equal(await phase(), "finished");
    // A resumed run rewrites config.json; the start is the log's first line.
    await Deno.writeTextFile(
      join(run.dir, "log.txt"),
      "2020-01-02T03:04:05.678Z start: {}\n2020-01-03T00:00:00.000Z generation 0\n",
    );
    const s: RunSummary = await (await get("/api/run")).json();
    assert.equal(s.started, "2020-01-02T03:04:05.678Z");
  }));

Deno.test("/api/evaluations?since=N returns the records after the N-th, without phenotype", () =>
  withRun({ evaluations: 60, finals: 0 }, async (run, _d, get) => {
    for (const since of [0, 1, 37, 59, 60, 75]) {
      const body = await (await get(`/api/evaluations?since=${since}`)).json();
      assert.equal(body.from, since, `since=${since}`);
      assert.equal(body.total, 60, `since=${since}`);
      assert.deepEqual(body.records, run.records.slice(since).map(slim), `since=${since}`);
    }
    assert.deepEqual((await (await get("/api/evaluations")).json()).records.length, 60);
    for (const bad of ["-1", "2.5", "x"]) {
      const res = await get(`/api/evaluations?since=${bad}`);
      assert.equal(res.status, 400, `since=${bad}`);
      assert.match((await res.json()).error, /'since' must be a record count/);
    }
  }));

Deno.test("/api/final gives the retrained networks", () =>
  withRun({ evaluations: 140, finals: 2 }, async (run, _d, get) => {
    assert.deepEqual((await (await get("/api/final")).json()).records, run.finals);
  }));

Deno.test("the event stream sends what the page lacks, then each new line, checkpoint and final", () =>
  withRun({ evaluations: 100, holdBack: 20, finals: 0 }, async (run, dashboard, get) => {
    const res = await get("/api/events?since=95");
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const sse = new SseReader(res.body!);
    try {
      const first = await sse.nextOf("evaluations");
      assert.equal(first.id, "100");
      const body = JSON.parse(first.data);
      assert.deepEqual([body.from, body.total], [95, 100]);
      assert.deepEqual(
        body.records.map((r: EvaluationRecord) => r.id),
        run.records.slice(95).map((r) => r.id),
      );
      assert.equal(JSON.parse((await sse.nextOf("run")).data).evaluations, 100);
      assert.deepEqual(JSON.parse((await sse.nextOf("final")).data), { records: [] });
      assert.equal(dashboard.listeners, 1);

      // Three lines and the start of a fourth: the three arrive, the fourth when complete.
      const log = join(run.dir, "evaluations.jsonl");
      const [a, b, c, d] = run.pending;
      await Deno.writeTextFile(log, a + b + c + d.slice(0, 40), { append: true });
      const three = await sse.nextOf("evaluations");
      assert.equal(three.id, "103");
      assert.deepEqual(
        JSON.parse(three.data).records.map((r: EvaluationRecord) => r.id),
        [a, b, c].map((l) => JSON.parse(l).id),
      );
      await Deno.writeTextFile(log, d.slice(40), { append: true });
      const fourth = await sse.nextOf("evaluations");
      assert.equal(JSON.parse(fourth.data).from, 103);
      assert.equal(JSON.parse(fourth.data).records[0].id, JSON.parse(d).id);

      // A new checkpoint: a `run` event with it and its front.
      await Deno.writeTextFile(log, run.pending.slice(4).join(""), { append: true });
      const next = run.laterCheckpoints[0];
      assert.ok(next, "the held-back lines complete a generation");
      await Deno.writeTextFile(join(run.dir, "checkpoint.json"), JSON.stringify(next));
      let summary: RunSummary;
      do summary = JSON.parse((await sse.nextOf("run")).data); while (
        summary.checkpoint?.completed !== next.completed
      );
      const all = [...run.records, ...run.pending.map((l) => JSON.parse(l) as EvaluationRecord)];
      assert.deepEqual([...summary.front].sort(), bruteForceFront(all));

      const final = {
        ...JSON.parse(JSON.stringify(run.front[0])),
        test: { float: 0.5, exact8: 0.5, approx8: 0.5, images: 10 },
      };
      await Deno.writeTextFile(join(run.dir, "final.jsonl"), JSON.stringify(final) + "\n", {
        append: true,
      });
      assert.equal(JSON.parse((await sse.nextOf("final")).data).records[0].id, final.id);

      // Framing: every block is `field: value` lines; data is one JSON line.
      for (const block of sse.blocks) {
        for (const line of block.split("\n")) {
          assert.match(line, /^(event|id|data|retry|): ?/, line);
        }
      }
      assert.ok(sse.blocks.includes("retry: 2000"));
    } finally {
      await sse.cancel();
    }
    assert.equal(dashboard.listeners, 0, "a page that goes away is forgotten");
  }));

Deno.test("a reconnecting page is sent the records after its Last-Event-ID", () =>
  withRun({ evaluations: 50, finals: 0 }, async (run, _d, get) => {
    const res = await get("/api/events?since=0", { headers: { "Last-Event-ID": "47" } });
    const sse = new SseReader(res.body!);
    try {
      const e = await sse.nextOf("evaluations");
      assert.equal(JSON.parse(e.data).from, 47);
      assert.deepEqual(
        JSON.parse(e.data).records.map((r: EvaluationRecord) => r.id),
        run.records.slice(47).map((r) => r.id),
      );
    } finally {
      await sse.cancel();
    }
  }));

Deno.test("a page that holds more records than the log has is told to start over", () =>
  withRun({ evaluations: 30, finals: 0 }, async (run, _d, get) => {
    const res = await get("/api/events", { headers: { "Last-Event-ID": "45" } });
    const sse = new SseReader(res.body!);
    try {
      assert.equal((await sse.next())?.event, "reset");
      const e = await sse.nextOf("evaluations");
      assert.equal(e.id, "30");
      assert.deepEqual(
        JSON.parse(e.data).records.map((r: EvaluationRecord) => r.id),
        run.records.map((r) => r.id),
      );
    } finally {
      await sse.cancel();
    }
  }));

Deno.test("a page up to date gets no evaluations event; close() ends its stream", () =>
  withRun({ evaluations: 30, finals: 0 }, async (_run, dashboard, get) => {
    const sse = new SseReader((await get("/api/events?since=30")).body!);
    assert.equal((await sse.next())?.event, "run");
    assert.equal((await sse.next())?.event, "final");
    dashboard.close();
    assert.equal(await sse.next(), null, "the stream ends");
  }));

Deno.test("a malformed line while running shows as a problem naming file and line; a replaced log resets", () =>
  withRun({ evaluations: 40, holdBack: 2, finals: 0 }, async (run, _d, get) => {
    const sse = new SseReader((await get("/api/events?since=40")).body!);
    try {
      await sse.nextOf("final");
      const log = join(run.dir, "evaluations.jsonl");
      await Deno.writeTextFile(log, '{"id": oops}\n' + run.pending[0], { append: true });
      let s: RunSummary;
      do s = JSON.parse((await sse.nextOf("run")).data); while (!s.problem);
      assert.match(s.problem, /evaluations\.jsonl' line 41 is not valid JSON/);
      assert.equal(s.evaluations, 40, "nothing after the bad line is taken");

      await Deno.writeTextFile(
        log,
        run.records.slice(0, 10).map((r) => JSON.stringify(r) + "\n").join(""),
      );
      await sse.nextOf("reset");
      const again = JSON.parse((await sse.nextOf("evaluations")).data);
      assert.deepEqual([again.from, again.records.length], [0, 10]);
      do s = JSON.parse((await sse.nextOf("run")).data); while (s.problem);
      assert.equal(s.evaluations, 10);
    } finally {
      await sse.cancel();
    }
  }));

Deno.test("a missing or malformed run directory is refused with the file named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dashboard_bad_" });
  const file = (name: string) => join(dir, name);
  const refused = (pattern: RegExp) => assert.rejects(RunState.open(dir), pattern);
  try {
    await assert.rejects(RunState.open(file("nowhere")), /'.*nowhere' is not a run directory/);
    await refused(/config\.json' is missing or unreadable/);
    await Deno.writeTextFile(file("config.json"), "{ not json");
    await refused(/config\.json' is not valid JSON/);
    await Deno.writeTextFile(file("config.json"), JSON.stringify({ seed: 1 }));
    await refused(/config\.json' is not a search config/);
    const run = await makeFixtureRun({ evaluations: 25, finals: 0, dir: file("run") });
    await RunState.open(run.dir); // well formed
    const lines = run.records.map((r) => JSON.stringify(r));
    lines[2] = lines[2].slice(0, 30);
    await Deno.writeTextFile(join(run.dir, "evaluations.jsonl"), lines.join("\n") + "\n");
    await assert.rejects(RunState.open(run.dir), /evaluations\.jsonl' line 3 is not valid JSON/);
    await Deno.writeTextFile(join(run.dir, "evaluations.jsonl"), "");
    await Deno.writeTextFile(join(run.dir, "checkpoint.json"), "{}");
    await assert.rejects(RunState.open(run.dir), /checkpoint\.json' is not a checkpoint/);
    await Deno.writeTextFile(join(run.dir, "checkpoint.json"), "{");
    await assert.rejects(RunState.open(run.dir), /checkpoint\.json' is not valid JSON/);
    await Deno.writeTextFile(join(run.dir, "checkpoint.json"), JSON.stringify(run.checkpoint));
    await Deno.writeTextFile(join(run.dir, "final.jsonl"), "[\n");
    await assert.rejects(RunState.open(run.dir), /final\.jsonl' line 1 is not valid JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report files are served; paths outside the run directory are refused", () =>
  withRun({ evaluations: 30, finals: 0 }, async (run, _d, get) => {
    await Deno.writeTextFile(join(run.dir, "pareto.csv"), "id,params\n");
    await Deno.writeFile(
      join(run.dir, "charts", "hypervolume.png"),
      new Uint8Array([137, 80, 78, 71]),
    );
    const outside = await Deno.makeTempDir({ prefix: "dashboard_outside_" });
    try {
      await Deno.writeTextFile(join(outside, "secret.txt"), "TOP-SECRET-CONTENT");
      await Deno.symlink(join(outside, "secret.txt"), join(run.dir, "link.txt"));
      await Deno.symlink(outside, join(run.dir, "linked-dir"));
      const csv = await get("/files/pareto.csv");
      assert.equal(csv.status, 200);
      assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.equal(await csv.text(), "id,params\n");
      const png = await get("/files/charts/hypervolume.png");
      assert.equal(png.headers.get("content-type"), "image/png");
      await png.body?.cancel();
      assert.deepEqual((await (await get("/api/run")).json()).files, [
        "pareto.csv",
        "charts/hypervolume.png",
      ]);
      const refusedPaths = [
        "/files/..%2Fsecret.txt",
        "/files/charts%2F..%2F..%2Fsecret.txt",
        "/files/%2Fetc%2Fpasswd",
        "/files/link.txt",
        "/files/linked-dir/secret.txt",
        "/files/charts",
        "/files/missing.csv",
        "/files/%E0%A4%A",
        "/etc/passwd",
      ];
      for (const path of refusedPaths) {
        const res = await get(path);
        assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
        assert.doesNotMatch(await res.text(), /TOP-SECRET-CONTENT|root:/, path);
      }
      assert.equal((await get("/api/run", { method: "POST" })).status, 405);
      assert.equal((await get("/api/nothing")).status, 404);
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  }));

Deno.test("the page and its scripts are served", () =>
  withRun({ evaluations: 21, finals: 0 }, async (_run, _d, get) => {
    const html = await (await get("/")).text();
    assert.match(html, /<script type="module" src="\/app\.js">/);
    for (const src of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) {
      const res = await get(src[1]);
      assert.equal(res.status, 200, src[1]);
      await res.body?.cancel();
    }
    // Every module the page imports, and what those import (the chart definitions live
    // outside static/, at the URL views.js's relative import resolves to).
    const queue = ["/app.js"], seen = new Set(queue);
    while (queue.length) {
      const path = queue.shift()!;
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /javascript/, path);
      for (const m of (await res.text()).matchAll(/from "(\.\.?\/[a-z_./]+\.js)"/g)) {
        const next = new URL(m[1], `http://page${path}`).pathname;
        if (!seen.has(next)) queue.push(next), seen.add(next);
      }
    }
    assert.ok(seen.has("/charts/definitions.js"), [...seen].join(" "));
  }));
