// The flag table of deno task evolve: which flags go with --resume (a resumed run keeps its
// stored settings), the configs they make, the help.
import assert from "node:assert/strict";
import { helpText, parseFlags, UsageError } from "../../src/cli/args.ts";
import {
  checkResumeFlags,
  configFromFlags,
  EVOLVE_FLAGS,
  resumedConfig,
} from "../../src/search/run/flags.ts";
import { presetConfig } from "../../src/search/run/config.ts";

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

Deno.test("a new run's config: the preset with every given setting at its config path", () => {
  const c = configFromFlags(parse([
    "--preset",
    "smoke",
    "--seed",
    "4",
    "--max-params",
    "5000",
    "--candidate-epochs",
    "3",
    "--candidate-images",
    "80",
    "--final-networks",
    "0",
    "--multiplier-genes",
    "per-layer",
    "--no-tune-weights",
    "--multipliers",
    "a, b,,c",
    "--workers",
    "3",
  ]));
  const smoke = presetConfig("smoke");
  assert.deepEqual(c, {
    ...smoke,
    seed: 4,
    cgp: { ...smoke.cgp, multiplierGenes: "per-layer" },
    constraints: { ...smoke.constraints, maxParams: 5000 },
    candidate: { ...smoke.candidate, epochs: 3, trainImages: 80, tuneWeights: false },
    final: { ...smoke.final, networks: 0 },
    multipliers: ["a", "b", "c"],
    workers: 3,
  });
});

Deno.test("a new run without flags: the default preset, one worker per core", () => {
  assert.deepEqual(configFromFlags(parse([])), {
    ...presetConfig("default"),
    workers: navigator.hardwareConcurrency || 1,
  });
  assert.throws(
    () => configFromFlags(parse(["--offspring", "0"])),
    /--offspring expects an integer >= 1/,
  );
  assert.throws(() => configFromFlags(parse(["--preset", "nope"])), /Unknown preset 'nope'/);
});

Deno.test("a resumed run's config: the stored one with only --generations and --workers applied", () => {
  const stored = { ...presetConfig("smoke"), workers: 2 };
  const asked = parse(["--resume", "runs/x", "--generations", "7", "--workers", "1", "--no-final"]);
  assert.deepEqual(resumedConfig(stored, asked), { ...stored, generations: 7, workers: 1 });
  assert.deepEqual(resumedConfig(stored, parse(["--resume", "runs/x"])), stored);
  assert.throws(
    () => resumedConfig(stored, parse(["--resume", "runs/x", "--generations=-1"])),
    /--generations expects an integer >= 0/,
  );
});

Deno.test("the help lists every flag once, with the default it says", () => {
  const help = helpText("usage", EVOLVE_FLAGS);
  for (const name of Object.keys(EVOLVE_FLAGS)) {
    assert.equal(help.split(`--${name} `).length - 1, 1, name);
  }
  assert.match(help, /--seed N +random seed \(default: 1\)/);
  assert.match(help, /--workers N +evaluation workers \(default: one per core\)/);
  assert.match(help, /--no-tune-weights +approximate 8-bit/);
});
