import assert from "node:assert/strict";
import { join } from "node:path";
import { JsonLinesTail } from "../../src/dashboard/json_lines_tail.ts";

async function withFile(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tail_test_" });
  try {
    await fn(join(dir, "log.jsonl"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const append = (path: string, text: string) => Deno.writeTextFile(path, text, { append: true });

Deno.test("a missing file reads as empty, then lines arrive as they are appended", () =>
  withFile(async (path) => {
    const tail = new JsonLinesTail<{ n: number }>(path);
    assert.deepEqual(await tail.poll(), { added: [], reset: false });
    await append(path, '{"n":1}\n{"n":2}\n');
    assert.deepEqual((await tail.poll()).added, [{ n: 1 }, { n: 2 }]);
    assert.deepEqual((await tail.poll()).added, [], "nothing new: nothing added");
    await append(path, '{"n":3}\n');
    assert.deepEqual((await tail.poll()).added, [{ n: 3 }]);
    assert.deepEqual(tail.records, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  }));

Deno.test("a last line without its newline waits until it is complete, and the file is never cut", () =>
  withFile(async (path) => {
    const tail = new JsonLinesTail<{ n: number; s?: string }>(path);
    await append(path, '{"n":1}\n{"n":2,"s":"ha');
    assert.deepEqual((await tail.poll()).added, [{ n: 1 }]);
    assert.equal(await Deno.readTextFile(path), '{"n":1}\n{"n":2,"s":"ha', "read-only");
    await append(path, 'lf é"}');
    assert.deepEqual((await tail.poll()).added, [], "still no newline");
    await append(path, '\n{"n":3}\n');
    assert.deepEqual((await tail.poll()).added, [{ n: 2, s: "half é" }, { n: 3 }]);
  }));

Deno.test("a malformed line is reported by file and line; the records before it are kept", () =>
  withFile(async (path) => {
    const tail = new JsonLinesTail<{ n: number }>(path, "runs/x/log.jsonl");
    await append(path, '{"n":1}\n\n{"n":2}\n{"n":\n{"n":4}\n');
    const first = await tail.poll();
    assert.deepEqual(first.added, [{ n: 1 }, { n: 2 }]);
    assert.match(first.error ?? "", /'runs\/x\/log\.jsonl' line 4 is not valid JSON/);
    const again = await tail.poll();
    assert.deepEqual(again.added, []);
    assert.match(again.error ?? "", /line 4 /, "the same line is tried again");
    // Repaired in place, the lines before it unchanged: reading goes on from that line.
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace('{"n":\n', '{"n":3}\n'));
    const repaired = await tail.poll();
    assert.equal(repaired.error, undefined);
    assert.deepEqual(tail.records.map((r) => r.n), [1, 2, 3, 4]);
  }));

Deno.test("a file that shrinks or is replaced resets what was read", () =>
  withFile(async (path) => {
    const tail = new JsonLinesTail<{ n: number }>(path);
    await append(path, '{"n":1}\n{"n":2}\n');
    await tail.poll();
    await Deno.writeTextFile(path, '{"n":9}\n');
    const shrunk = await tail.poll();
    assert.equal(shrunk.reset, true);
    assert.deepEqual(shrunk.added, [{ n: 9 }]);
    assert.deepEqual(tail.records, [{ n: 9 }]);
    // Replaced by a longer file (a new run in the same place): a new inode.
    const other = path + ".new";
    await Deno.writeTextFile(other, '{"n":5}\n{"n":6}\n{"n":7}\n');
    await Deno.rename(other, path);
    const replaced = await tail.poll();
    assert.equal(replaced.reset, true);
    assert.deepEqual(tail.records.map((r) => r.n), [5, 6, 7]);
    await Deno.remove(path);
    assert.deepEqual(await tail.poll(), { added: [], reset: true });
  }));
