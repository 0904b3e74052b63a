/**
 * src/cli/args.ts: old spellings of a flag are accepted with a note and mapped to the new
 * name; giving both is refused; the help names the value, shows the default one way and
 * the old spelling.
 */
import assert from "node:assert/strict";
import { type Flags, helpText, parseFlags, UsageError } from "../../src/cli/args.ts";

const FLAGS = {
  multipliers: { type: "string", value: "LIST", aliases: ["multiplier"], help: "which" },
  limit: { type: "string", value: "N", default: "10", help: "how many" },
  workers: { type: "string", value: "N", defaultText: "one per core", help: "threads" },
} as const satisfies Flags;

Deno.test("an old spelling is accepted with a note and mapped to the flag's name", () => {
  const notes: string[] = [];
  const error = console.error;
  console.error = (line: string) => notes.push(line);
  try {
    const f = parseFlags(["--multiplier", "mul8u_trunc6"], FLAGS, "Usage: t");
    assert.equal(f.multipliers, "mul8u_trunc6");
    assert.equal((f as Record<string, unknown>).multiplier, undefined);
    assert.equal(f.limit, "10");
  } finally {
    console.error = error;
  }
  assert.deepEqual(notes, [
    "note: --multiplier is now --multipliers (the old spelling is accepted for now)",
  ]);
});

Deno.test("the old and the new spelling together are refused, naming both", () => {
  assert.throws(
    () => parseFlags(["--multiplier", "a", "--multipliers", "b"], FLAGS, "Usage: t"),
    (e) =>
      e instanceof UsageError &&
      /--multiplier is the old spelling of --multipliers/.test(e.message),
  );
});

Deno.test("the help names each value and writes every default as (default: X)", () => {
  const text = helpText("Usage: t\n\nExample: t --limit 3", FLAGS);
  assert.match(text, /^ {2}--multipliers LIST +which \(was --multiplier\)$/m);
  assert.match(text, /^ {2}--limit N +how many \(default: 10\)$/m);
  assert.match(text, /^ {2}--workers N +threads \(default: one per core\)$/m);
});

Deno.test("a long help row wraps under its text within 100 characters", () => {
  const text = helpText("Usage: t", { long: { type: "boolean", help: "word ".repeat(40).trim() } });
  const lines = text.split("\n").filter((l) => l.includes("word"));
  assert.ok(lines.length > 1);
  for (const l of lines) assert.ok(l.length <= 100, l);
  assert.match(lines[1], /^ {31}word/);
});
