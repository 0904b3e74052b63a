import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkCycles, formatCycles, importSpecifiers } from "../../scripts/check_cycles.ts";

const fixtures = fileURLToPath(new URL("./fixtures/cycles/", import.meta.url));

Deno.test("check_cycles: a circle through a multi-line, a type-only and a re-export import", async () => {
  const cycles = await checkCycles(["with_circle"], fixtures);
  assert.deepEqual(cycles, [
    {
      files: ["with_circle/a.ts", "with_circle/c.ts", "with_circle/inner/b.ts"],
      path: ["with_circle/a.ts", "with_circle/inner/b.ts", "with_circle/c.ts", "with_circle/a.ts"],
    },
    { files: ["with_circle/e.ts"], path: ["with_circle/e.ts", "with_circle/e.ts"] },
  ]);
  assert.equal(
    formatCycles(cycles.slice(0, 1)),
    "import circle 1 (3 files):\n" +
      "  with_circle/a.ts\n  with_circle/c.ts\n  with_circle/inner/b.ts\n" +
      "  path: with_circle/a.ts -> with_circle/inner/b.ts -> with_circle/c.ts -> with_circle/a.ts\n",
  );
});

Deno.test("check_cycles: no circle when a.ts is named only in a doc example and a string", async () => {
  assert.deepEqual(await checkCycles(["without_circle"], fixtures), []);
});

Deno.test("check_cycles: the specifiers of every import and export form", () => {
  const source = [
    'import a from "./a.ts";',
    'import * as b from "./b.ts";',
    'import type { C } from "./c.ts";',
    'export { d } from "./d.ts";',
    'export * from "./e.ts";',
    'import "./f.ts";',
    'const g = await import("./g.ts");',
    ' * import { h } from "./h.ts";',
    "const i = \"import { i } from './i.ts'\";",
  ].join("\n");
  assert.deepEqual(importSpecifiers(source), [
    "./a.ts",
    "./b.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
  ]);
});
