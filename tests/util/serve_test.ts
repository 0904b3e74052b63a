// The shared pieces of the commands that serve a page (dashboard, demo).
import assert from "node:assert/strict";
import { listenError } from "../../src/cli/serve.ts";

Deno.test("a port in use is said with what to do; other errors pass through unchanged", () => {
  // A real clash: listen twice on the same port.
  const first = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (first.addr as Deno.NetAddr).port;
  try {
    let clash: unknown;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
    } catch (e) {
      clash = e;
    }
    assert.ok(clash instanceof Deno.errors.AddrInUse);
    const shown = listenError(clash, port) as Error;
    assert.equal(
      shown.message,
      `port ${port} is in use: pick another with --port, or --port 0`,
    );
  } finally {
    first.close();
  }
  const other = new Error("denied");
  assert.equal(listenError(other, 80), other);
});
