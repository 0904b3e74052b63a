import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/util/atomic_file.ts";

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("writeFileAtomic: text and bytes, replacing by default, no temporary file left", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atomic_file_" });
  try {
    const path = join(dir, "a.json");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, "new ✓");
    assert.equal(await Deno.readTextFile(path), "new ✓");
    await writeFileAtomic(join(dir, "b.bin"), new Uint8Array([1, 2, 250]));
    assert.deepEqual(await Deno.readFile(join(dir, "b.bin")), new Uint8Array([1, 2, 250]));
    assert.deepEqual(await names(dir), ["a.json", "b.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic with replace: false keeps an existing file and says it exists", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atomic_file_" });
  try {
    const path = join(dir, "c.json");
    await writeFileAtomic(path, "first", { replace: false });
    await assert.rejects(
      writeFileAtomic(path, "second", { replace: false }),
      Deno.errors.AlreadyExists,
    );
    assert.equal(await Deno.readTextFile(path), "first");
    assert.deepEqual(await names(dir), ["c.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed writeFileAtomic leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atomic_file_" });
  try {
    await assert.rejects(writeFileAtomic(join(dir, "none", "d.json"), "x"), Deno.errors.NotFound);
    await Deno.mkdir(join(dir, "taken"));
    await Deno.writeTextFile(join(dir, "taken", "f"), "");
    // The temporary file is written, then cannot replace a folder of that name.
    await assert.rejects(writeFileAtomic(join(dir, "taken"), "x"));
    assert.deepEqual(await names(dir), ["taken"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
