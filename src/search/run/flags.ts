/**
 * The flags of `deno task evolve` and which of them a resumed run refuses: a run keeps the
 * settings it started with (config.json), except its generation and worker counts.
 */
import { UsageError } from "../../cli/args.ts";
import { PRESETS } from "./config.ts";

export const EVOLVE_FLAGS = {
  // No default here: a given --preset must be told apart from none (it cannot change on
  // --resume); configFromFlags falls back to "default".
  preset: {
    type: "string",
    help: `starting settings: ${Object.keys(PRESETS).join(", ")} (default: default)`,
  },
  seed: { type: "string", help: "random seed (default 1)" },
  run: { type: "string", help: "run directory (default runs/evolve-PRESET-sSEED)" },
  resume: { type: "string", help: "continue the run in this directory" },
  generations: { type: "string", help: "generations (with --resume: extend a finished run)" },
  population: { type: "string", help: "NSGA-II parents (mu)" },
  offspring: { type: "string", help: "offspring per generation (lambda)" },
  workers: { type: "string", help: "evaluation workers (default: one per core)" },
  multipliers: {
    type: "string",
    help:
      "comma-separated library multipliers the genes choose from, or all (default: a preset's list)",
  },
  "multiplier-genes": { type: "string", help: "network (one per network), per-layer, or none" },
  "max-params": { type: "string", help: "constraint: most parameters" },
  "max-mults": { type: "string", help: "constraint: most multiplications per image" },
  "candidate-epochs": {
    type: "string",
    help: "epochs each candidate trains (default: a preset's)",
  },
  "candidate-images": {
    type: "string",
    help: "training images each candidate trains on (default: a preset's)",
  },
  "final-networks": {
    type: "string",
    help: "networks retrained at the end (default: a preset's)",
  },
  "no-tune-weights": {
    type: "boolean",
    help: "approximate 8-bit with bias correction only, weights not tuned to the multiplier " +
      "(as runs made before weight tuning)",
  },
  "init-from": {
    type: "string",
    help: "start from the last population of this earlier run (same search space)",
  },
  "no-final": { type: "boolean", help: "skip the final retraining of the Pareto set" },
  retrain: {
    type: "string",
    help: "comma-separated candidate ids to retrain at the end as well as the picks (e.g. g3-c1)",
  },
  rechoose: {
    type: "boolean",
    help: "with --resume: re-choose the multipliers of networks already retrained (no retraining)",
  },
  data: {
    type: "string",
    help: "CIFAR-10 directory (else $CIFAR10_DIR, the cache, or a download)",
  },
} as const;

/** Flags that would change a stored run's settings. */
export const LOCKED_ON_RESUME = [
  "preset",
  "seed",
  "population",
  "offspring",
  "multipliers",
  "multiplier-genes",
  "max-params",
  "max-mults",
  "candidate-epochs",
  "candidate-images",
  "final-networks",
  "no-tune-weights",
  "init-from",
  "run",
] as const;

/** Throws a UsageError for a flag that cannot go with --resume (or needs it). */
export function checkResumeFlags(
  f: Partial<Record<keyof typeof EVOLVE_FLAGS, string | boolean | undefined>>,
): void {
  if (f.resume === undefined) {
    if (f.rechoose) {
      throw new UsageError("--rechoose works on a finished run: give it with --resume RUN");
    }
    return;
  }
  for (const k of LOCKED_ON_RESUME) {
    if (f[k] !== undefined) {
      throw new UsageError(
        `--${k} cannot change on --resume: the run keeps the settings in ${
          String(f.resume)
        }/config.json`,
      );
    }
  }
}
