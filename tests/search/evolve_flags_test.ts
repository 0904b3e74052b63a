// Which flags go with --resume: a resumed run keeps its stored settings.
import assert from "node:assert/strict";
import { parseFlags, UsageError } from "../../src/cli/args.ts";
import { checkResumeFlags, EVOLVE_FLAGS } from "../../src/search/run/flags.ts";

const parse = (argv: string[]) => parseFlags(argv, EVOLVE_FLAGS, "usage");

Deno.test("--resume alone, or with --generations, --workers, --rechoose, --no-final, is accepted", () => {
  for (
    const argv of [
      ["--resume", "runs/x"],
      ["--resume", "runs/x", "--generations", "12", "--workers", "1"],
      ["--resume", "runs/x", "--rechoose", "--no-final"],
    ]
  ) {
    checkResumeFlags(parse(argv));
  }
});

Deno.test("a setting given with --resume is refused, naming the flag and the stored config", () => {
  for (
    const [flag, value] of [
      ["preset", "paper"],
      ["seed", "2"],
      ["max-mults", "10"],
      ["init-from", "runs/y"],
      ["candidate-epochs", "4"],
      ["candidate-images", "16000"],
      ["final-networks", "6"],
    ]
  ) {
    assert.throws(
      () => checkResumeFlags(parse(["--resume", "runs/x", `--${flag}`, value])),
      (e: Error) =>
        e instanceof UsageError && e.message.includes(`--${flag} cannot change on --resume`) &&
        e.message.includes("runs/x/config.json"),
    );
  }
});

Deno.test("--rechoose needs --resume; a new run takes any setting", () => {
  assert.throws(
    () => checkResumeFlags(parse(["--rechoose"])),
    /--rechoose works on a finished run/,
  );
  checkResumeFlags(parse(["--preset", "smoke", "--seed", "3"]));
});

Deno.test("--no-tune-weights: a new run's setting, refused on --resume", () => {
  checkResumeFlags(parse(["--no-tune-weights"]));
  assert.throws(
    () => checkResumeFlags(parse(["--resume", "runs/x", "--no-tune-weights"])),
    /--no-tune-weights cannot change on --resume/,
  );
});
