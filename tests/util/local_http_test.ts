// The local servers answer only Host 127.0.0.1 or localhost (DNS rebinding), and a URI that
// does not decode is a 400: the wrapper alone, then the dashboard over a real socket.
import assert from "node:assert/strict";
import { isLocalHost, localOnly } from "../../src/util/local_http.ts";
import { startDashboard } from "../../src/dashboard/server.ts";
import { makeFixtureRun } from "../dashboard/_fixture.ts";

const net = Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
if (!net) console.log("local server socket test skipped: the test runs without --allow-net");

Deno.test("Host: 127.0.0.1 and localhost with any port or none; nothing else", () => {
  for (const h of ["127.0.0.1", "127.0.0.1:8787", "localhost", "LOCALHOST:80", "localhost:0"]) {
    assert.ok(isLocalHost(h), h);
  }
  for (
    const h of [
      null,
      "",
      "evil.example",
      "evil.example:8787",
      "127.0.0.1.evil.example",
      "localhost.evil.example:8787",
      "127.0.0.2:8787",
      "[::1]:8787",
      "localhost:",
      "localhost:123456",
      "127.0.0.1:8787 evil",
    ]
  ) {
    assert.ok(!isLocalHost(h), String(h));
  }
});

Deno.test("localOnly: 403 naming a foreign Host, 400 for a URI that does not decode", async () => {
  const served = localOnly((req) => {
    decodeURIComponent(new URL(req.url).pathname);
    return Promise.resolve(new Response("ok"));
  });
  const ask = (path: string, host: string) =>
    served(new Request(`http://127.0.0.1${path}`, { headers: { host } }));
  assert.equal(await (await ask("/a", "localhost:8787")).text(), "ok");
  const foreign = await ask("/a", "rebound.example:8787");
  assert.equal(foreign.status, 403);
  assert.match((await foreign.json()).error, /Host 'rebound\.example:8787' is not served/);
  const malformed = await ask("/%E0%A4%A", "127.0.0.1:8787");
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).error, /malformed URI '\/%E0%A4%A'/);
});

/** One raw HTTP/1.1 request (fetch may not send a Host of the caller's choosing). */
async function rawGet(port: number, path: string, host: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    let text = "";
    const buf = new Uint8Array(4096);
    for (let n; (n = await conn.read(buf)) !== null;) {
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  } finally {
    conn.close();
  }
}

Deno.test({
  name: "the dashboard refuses a rebound Host and answers a malformed URI with 400",
  ignore: !net,
}, async () => {
  const fixture = await makeFixtureRun({ evaluations: 10, finals: 0 });
  const server = await startDashboard({ run: fixture.dir, port: 0 });
  try {
    const local = `127.0.0.1:${server.port}`;
    assert.equal(await rawGet(server.port, "/api/run", local), 200);
    assert.equal(await rawGet(server.port, "/api/run", `localhost:${server.port}`), 200);
    assert.equal(await rawGet(server.port, "/api/run", `rebound.example:${server.port}`), 403);
    assert.equal(await rawGet(server.port, "/files/%E0%A4%A", local), 400);
    const summary = await (await fetch(`${server.url}api/run`)).json();
    assert.equal(summary.path, undefined, "the API names no absolute path");
  } finally {
    await server.close();
    await fixture.remove();
  }
});
