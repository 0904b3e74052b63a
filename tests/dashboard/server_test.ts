/**
 * The dashboard over a real socket, and the CLI with exactly the task's permissions
 * (--allow-read --allow-net=127.0.0.1). Skipped when the test runs without the network
 * permission for 127.0.0.1 (and, for the CLI, permission to run deno).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startDashboard } from "../../src/dashboard/server.ts";
import { makeFixtureRun } from "./_fixture.ts";
import { SseReader } from "./_sse.ts";

const granted = (d: Deno.PermissionDescriptor) => Deno.permissions.querySync(d).state === "granted";
const net = granted({ name: "net", host: "127.0.0.1" });
const deno = granted({ name: "read" }) ? Deno.execPath() : "deno";
const run = granted({ name: "run", command: deno });
if (!net) {
  console.log("dashboard server tests skipped: the test runs without --allow-net=127.0.0.1");
} else if (!run) {
  console.log(`dashboard CLI test skipped: the test runs without --allow-run=${deno}`);
}

const CLI = fileURLToPath(new URL("../../cli/dashboard.ts", import.meta.url));

Deno.test({
  name: "the server listens on a free port, serves the API and streams events",
  ignore: !net,
}, async () => {
  const fixture = await makeFixtureRun({ evaluations: 45, finals: 0 });
  const server = await startDashboard({ run: fixture.dir, port: 0, pollMs: 50 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(server.port, 0);
    const summary = await (await fetch(`${server.url}api/run`)).json();
    assert.equal(summary.evaluations, 45);
    const page = await fetch(server.url);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    await page.body?.cancel();
    const events = await fetch(`${server.url}api/events?since=40`);
    const sse = new SseReader(events.body!);
    const first = JSON.parse((await sse.nextOf("evaluations")).data);
    assert.deepEqual([first.from, first.records.length], [40, 5]);
    await sse.nextOf("final");
    // close() ends open streams itself, so shutting down does not wait for the page.
    await server.close();
    assert.equal(await sse.next(), null);
  } finally {
    await server.close().catch(() => {});
    await fixture.remove();
  }
});

async function runCli(args: string[]) {
  const out = await new Deno.Command(deno, {
    args: ["run", "--allow-read", "--allow-net=127.0.0.1", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test({
  name:
    "the CLI serves a run with read and 127.0.0.1 network permissions only, and says what is wrong",
  ignore: !net || !run,
}, async () => {
  const fixture = await makeFixtureRun({ evaluations: 30, finals: 0 });
  const child = new Deno.Command(deno, {
    args: ["run", "--allow-read", "--allow-net=127.0.0.1", CLI, fixture.dir, "--port", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/http:\/\/\S+\//.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const url = text.match(/http:\/\/\S+\//)?.[0];
    assert.ok(url, `the CLI prints its URL: ${text}`);
    assert.match(text, /30 evaluations/);
    const summary = await (await fetch(`${url}api/run`)).json();
    assert.equal(summary.evaluations, 30);
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0, "Ctrl+C stops it cleanly");
    await reader.cancel();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await child.stderr.cancel().catch(() => {});
    await fixture.remove();
  }

  const missing = await runCli([`${fixture.dir}-nowhere`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /error: '.*-nowhere' is not a run directory/);
  const usage = await runCli([]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /expected one run directory, found 0/);
  const port = await runCli(["somewhere", "--port", "70000"]);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port expects a port number <= 65535/);
});
