// Command-line parsing: a negative number is a flag's value (and its range check speaks),
// not another option.
import assert from "node:assert/strict";
import { intFlag, parseFlags, UsageError } from "../../src/cli/args.ts";

const FLAGS = {
  generations: { type: "string", help: "generations" },
  "no-final": { type: "boolean", help: "skip" },
} as const;

Deno.test("--generations -1 reaches the range check, as --generations=-1 does", () => {
  for (const argv of [["--generations", "-1"], ["--generations=-1"]]) {
    const f = parseFlags(argv, FLAGS, "usage");
    assert.equal(f.generations, "-1");
    assert.throws(
      () => intFlag("generations", f.generations, 0),
      (e: Error) =>
        e instanceof UsageError &&
        e.message === "--generations expects an integer >= 0, found '-1'",
    );
  }
  assert.equal(parseFlags(["--generations", "-.5", "--no-final"], FLAGS, "u").generations, "-.5");
  // A real option after a flag that needs a value is still an error.
  assert.throws(() => parseFlags(["--generations", "--no-final"], FLAGS, "u"), UsageError);
});
