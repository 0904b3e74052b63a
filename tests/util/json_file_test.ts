import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonFile } from "../../src/util/json_file.ts";

Deno.test("a JSON file: its value, null when missing, an error naming it when not JSON", async () => {
  const dir = await Deno.makeTempDir({ prefix: "json_file_" });
  try {
    const good = join(dir, "good.json"), bad = join(dir, "bad.json");
    await Deno.writeTextFile(good, '{"a": [1, 2]}');
    await Deno.writeTextFile(bad, '{"a": ');
    assert.deepEqual(await readJsonFile(good), { a: [1, 2] });
    assert.equal(await readJsonFile(join(dir, "none.json")), null);
    await assert.rejects(
      readJsonFile(bad),
      (e: Error) => e.message.startsWith(`'${bad}' is not valid JSON (`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
