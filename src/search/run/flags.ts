/**
 * The flags of `deno task evolve`, in one table: per flag its help, the config field it sets
 * and how its text becomes that field's value, where the value comes from when it is not
 * given, and what it may do on --resume (a run keeps the settings it started with in
 * config.json, except its generation and worker counts). The help, the parsing, a new run's
 * config, a resumed run's config and the --resume checks all come from this table.
 */
import { choiceFlag, type FlagSpec, intFlag, UsageError } from "../../cli/args.ts";
import { DATA_FLAG, workersDefault } from "../../cli/common_flags.ts";
import { checkEvolveConfig, type EvolveConfig, presetConfig, PRESETS } from "./config.ts";

type FlagValue = string | boolean | undefined;

interface EvolveFlag {
  type: "string" | "boolean";
  /** What a string flag takes (src/cli/vocabulary.ts): N, RUN, LIST, NAME, DIR. */
  value?: string;
  help: string;
  /** Said in the help: the value when the flag is not given. */
  default?: string;
  /** The config field the flag sets (dotted), and its value from the flag's. */
  config?: { path: string; parse: (flag: string, value: FlagValue) => unknown };
  /** A new run's value of the field when the flag is not given (else the preset's). */
  fallback?: () => unknown;
  /** "locked": refused with --resume; "changes": may change the stored config on --resume.
   * Absent: not a setting of the run (what to do with it, where its data is). */
  resume?: "locked" | "changes";
}

const int = (min: number) => (flag: string, value: FlagValue) => intFlag(flag, value, min);
/** A comma-separated list, blanks dropped; an empty one is refused (`--multipliers ""` would
 * otherwise mean the whole library). */
export const listFlag = (flag: string, value: FlagValue): string[] => {
  const items = String(value).split(",").map((s) => s.trim()).filter(Boolean);
  if (!items.length) {
    throw new UsageError(`--${flag} expects a comma-separated list, found '${value ?? ""}'`);
  }
  return items;
};

const TABLE = {
  // Not a field: the config a new run starts from. No default in the parser, so that a
  // given --preset (which cannot change on --resume) is told apart from none.
  preset: {
    type: "string",
    value: "NAME",
    help: `starting settings: ${Object.keys(PRESETS).join(", ")}`,
    default: "default",
    resume: "locked",
  },
  seed: {
    type: "string",
    value: "N",
    help: "random seed",
    default: "1",
    config: { path: "seed", parse: int(0) },
    resume: "locked",
  },
  run: {
    type: "string",
    value: "RUN",
    help: "run directory",
    default: "runs/evolve-PRESET-sSEED",
    resume: "locked",
  },
  resume: { type: "string", value: "RUN", help: "continue the run in this directory" },
  generations: {
    type: "string",
    value: "N",
    help: "generations (with --resume: extend a finished run)",
    default: "the preset's",
    config: { path: "generations", parse: int(0) },
    resume: "changes",
  },
  population: {
    type: "string",
    value: "N",
    help: "NSGA-II parents (mu)",
    default: "the preset's",
    config: { path: "population", parse: int(2) },
    resume: "locked",
  },
  offspring: {
    type: "string",
    value: "N",
    help: "offspring per generation (lambda)",
    default: "the preset's",
    config: { path: "offspring", parse: int(1) },
    resume: "locked",
  },
  workers: {
    type: "string",
    value: "N",
    help: "evaluation workers",
    default: "one per core",
    config: { path: "workers", parse: int(1) },
    fallback: workersDefault,
    resume: "changes",
  },
  multipliers: {
    type: "string",
    value: "LIST",
    help: "library multipliers the genes choose from, or all",
    default: "the preset's list",
    // "all": the whole library, which a run stores as the empty list until it is resolved.
    config: {
      path: "multipliers",
      parse: (flag, value) => String(value).trim() === "all" ? [] : listFlag(flag, value),
    },
    resume: "locked",
  },
  "multiplier-genes": {
    type: "string",
    value: "NAME",
    help: "network (one per network), per-layer, or none",
    default: "the preset's",
    config: {
      path: "cgp.multiplierGenes",
      parse: (flag, value) => choiceFlag(flag, value, ["network", "per-layer", "none"] as const),
    },
    resume: "locked",
  },
  "function-set": {
    type: "string",
    value: "NAME",
    help:
      "blocks the genes pick: classic (conv, res), mobile (separable, inverted residual) or both",
    default: "classic",
    config: {
      path: "cgp.functionSet",
      parse: (flag, value) => choiceFlag(flag, value, ["classic", "mobile", "both"] as const),
    },
    resume: "locked",
  },
  "max-params": {
    type: "string",
    value: "N",
    help: "constraint: most parameters",
    default: "the preset's",
    config: { path: "constraints.maxParams", parse: int(1) },
    resume: "locked",
  },
  "max-mults": {
    type: "string",
    value: "N",
    help: "constraint: most multiplications per image",
    default: "the preset's",
    config: { path: "constraints.maxMults", parse: int(1) },
    resume: "locked",
  },
  "candidate-epochs": {
    type: "string",
    value: "N",
    help: "epochs each candidate trains",
    default: "the preset's",
    config: { path: "candidate.epochs", parse: int(1) },
    resume: "locked",
  },
  "candidate-images": {
    type: "string",
    value: "N",
    help: "training images each candidate trains on",
    default: "the preset's",
    config: { path: "candidate.trainImages", parse: int(1) },
    resume: "locked",
  },
  "final-networks": {
    type: "string",
    value: "N",
    help: "networks retrained at the end",
    default: "the preset's",
    config: { path: "final.networks", parse: int(0) },
    resume: "locked",
  },
  "no-tune-weights": {
    type: "boolean",
    help: "approximate 8-bit with bias correction only, weights not tuned to the multiplier " +
      "(as runs made before weight tuning)",
    config: { path: "candidate.tuneWeights", parse: () => false },
    resume: "locked",
  },
  // Sets config.initial from another run's files (readInitialPopulation), not from its text.
  "init-from": {
    type: "string",
    value: "RUN",
    help: "start from the last population of this earlier run (same search space)",
    resume: "locked",
  },
  "no-final": { type: "boolean", help: "skip the final retraining of the Pareto set" },
  retrain: {
    type: "string",
    value: "LIST",
    help: "candidate ids to retrain at the end as well as the picks (e.g. g3-c1,g5-c0)",
  },
  rechoose: {
    type: "boolean",
    help: "with --resume: re-choose the multipliers of networks already retrained (no retraining)",
  },
  data: { type: "string", value: "DIR", help: DATA_FLAG.help, default: DATA_FLAG.defaultText },
} as const satisfies Record<string, EvolveFlag>;

export type EvolveFlagName = keyof typeof TABLE;
export type EvolveFlags = Partial<Record<EvolveFlagName, FlagValue>>;

const ROWS = Object.entries(TABLE) as [EvolveFlagName, EvolveFlag][];

/** The flags as parseFlags takes them, each default said in its help. */
export const EVOLVE_FLAGS = Object.fromEntries(
  ROWS.map(([name, f]) => [name, {
    type: f.type,
    ...(f.value ? { value: f.value } : {}),
    help: f.help,
    ...(f.default === undefined ? {} : { defaultText: f.default }),
  }]),
) as Record<EvolveFlagName, FlagSpec>;

export const EVOLVE_USAGE = `Usage: deno task evolve [options]

Example: deno task evolve --preset smoke`;

/** Flags that would change a stored run's settings. */
export const LOCKED_ON_RESUME = ROWS.filter(([, f]) => f.resume === "locked").map(([n]) => n);

/** Throws a UsageError for a flag that cannot go with --resume (or needs it). */
export function checkResumeFlags(f: EvolveFlags): void {
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

/** A new run's config: the preset with every given setting, fallbacks for the others. */
export function configFromFlags(f: EvolveFlags): EvolveConfig {
  const config = presetConfig(String(f.preset ?? TABLE.preset.default));
  for (const [name, flag] of ROWS) {
    if (!flag.config) continue;
    if (f[name] !== undefined) setField(config, flag.config.path, flag.config.parse(name, f[name]));
    else if (flag.fallback) setField(config, flag.config.path, flag.fallback());
  }
  checkEvolveConfig(config);
  return config;
}

/** A resumed run's config: the stored one with the settings that may change on --resume. */
export function resumedConfig(stored: EvolveConfig, f: EvolveFlags): EvolveConfig {
  const config = structuredClone(stored);
  for (const [name, flag] of ROWS) {
    if (flag.resume === "changes" && flag.config && f[name] !== undefined) {
      setField(config, flag.config.path, flag.config.parse(name, f[name]));
    }
  }
  return config;
}

function setField(config: EvolveConfig, path: string, value: unknown): void {
  const keys = path.split(".");
  let at = config as unknown as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
}
