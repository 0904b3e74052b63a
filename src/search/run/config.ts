/**
 * What a search run does: its presets and their validation. A run directory keeps the
 * config it started with, so a resumed run goes on with exactly the same settings.
 */
import { z } from "zod";
import type { MultiplierGenes } from "../cgp/config.ts";
import { checkSchema, int, number } from "../../util/check_schema.ts";
import type { FunctionSetName } from "../cgp/functions.ts";

const MULTIPLIER_GENES = ["network", "per-layer", "none"] as const satisfies MultiplierGenes[];
const FUNCTION_SET_NAMES = ["classic", "mobile", "both"] as const satisfies FunctionSetName[];

/** Where the first generation came from, and its genomes (stored in config.json). */
export const InitialPopulationSchema = z.strictObject({
  /** The run directory they were read from, as given. */
  from: z.string(),
  /** Their ids in that run. */
  ids: z.array(z.string()),
  genomes: z.array(z.array(int(0))),
});
export type InitialPopulation = z.output<typeof InitialPopulationSchema>;

/** A search's settings: what config.json holds, checked on every read. */
export const EvolveConfigSchema = z.strictObject({
  preset: z.string(),
  seed: int(0),
  /** NSGA-II parents (mu) and offspring per generation (lambda). */
  population: int(2),
  offspring: int(1),
  generations: int(0),
  cgp: z.strictObject({
    rows: int(1),
    cols: int(1),
    levelsBack: int(1),
    filters: z.array(int(1)).min(1),
    kernels: z.array(int(1)).min(1),
    /** The blocks the function genes pick (src/search/cgp/functions.ts); absent: "classic". */
    functionSet: z.enum(FUNCTION_SET_NAMES).optional(),
    /** Expansion ratios of the mobile set's inverted residuals; absent: the default [3, 6]. */
    expansions: z.array(int(1)).min(1).optional(),
    multiplierGenes: z.enum(MULTIPLIER_GENES),
  }),
  /** Per-gene mutation probability (CGP-CNN: 0.05). */
  mutationRate: number(0, 1, ["lo"]),
  /** Library multipliers the genes choose from, by name; empty = the whole library. A run
   * directory stores the resolved list, exact first. */
  multipliers: z.array(z.string().min(1)),
  /** Candidates above these are infeasible and never trained. */
  constraints: z.strictObject({ maxParams: int(1).optional(), maxMults: int(1).optional() }),
  /** How one candidate is evaluated during the search (never on the test set). */
  candidate: z.strictObject({
    /** Training images, drawn from the training split minus the validation images. */
    trainImages: int(1),
    /** Validation images carved from the training set. */
    validationImages: int(1),
    epochs: int(1),
    batch: int(1),
    maxLr: number(0, Infinity, ["lo"]),
    /** Training images used to calibrate the 8-bit activation ranges. */
    calibrationImages: int(1),
    /** Fold each approximate multiplier's mean error into the layer biases (bias correction). */
    compensate: z.boolean(),
    /** With `compensate`: each layer's weight bytes tuned to its multiplier first
     * (src/quant/weight_tuning.ts). Absent in runs made before it existed: off. */
    tuneWeights: z.boolean().optional(),
  }),
  /** At the end: the Pareto set retrained longer, then measured on the test set. */
  final: z.strictObject({
    /** How many networks of the front are retrained (picked across the front). */
    networks: int(0),
    epochs: int(1),
    /** Training images for the final retraining, drawn after the held-out validation images
     * (50,000 with no validation = the whole training set). */
    trainImages: int(1),
    /** Training-set images held out of the final retraining, on which each retrained
     * network's multiplier is re-chosen (0 or absent: no re-choice). They include the
     * candidates' validation split; the test set stays unseen until the end. */
    validationImages: int(0).optional(),
    /** Re-choice rule: the cheapest library multiplier (one for the whole network) whose
     * approximate 8-bit validation accuracy is at most this far below exact 8-bit. */
    refineTolerance: number(0, 1, ["hi"]).optional(),
  }),
  /** Evaluation workers (default: one per core). */
  workers: int(1),
  /** A warm start: genomes of the first generation, taken from another run. */
  initial: InitialPopulationSchema.optional(),
});
export type EvolveConfig = z.output<typeof EvolveConfigSchema>;

/**
 * A spread of the library from exact to 70% less power, leaving out designs whose errors
 * are large for their saving (the search can be given any list, or "all").
 */
export const DEFAULT_MULTIPLIERS = [
  "mul8u_exact",
  "mul8u_trunc4c",
  "mul8u_orl6",
  "mul8u_trunc6",
  "mul8u_trunc6c",
  "mul8u_bam_h1v4",
  "mul8u_ot_a1b1",
  "mul8u_bam_h1v6",
  "mul8u_perf_j1k2",
  "mul8u_bam_h2v6",
  "mul8u_ot_a2b2",
  "mul8u_trunc8c",
  "mul8u_trunc8",
  "mul8u_bam_h2v8",
  "mul8u_ot_a3b3",
  "mul8u_bam_h3v9",
];

const DEFAULT: EvolveConfig = {
  preset: "default",
  seed: 1,
  population: 8,
  offspring: 8,
  generations: 10,
  cgp: {
    rows: 2,
    cols: 10,
    levelsBack: 4,
    filters: [16, 32, 64],
    kernels: [3, 5],
    multiplierGenes: "network",
  },
  mutationRate: 0.1,
  multipliers: DEFAULT_MULTIPLIERS,
  constraints: { maxParams: 100_000, maxMults: 15_000_000 },
  candidate: {
    trainImages: 8000,
    validationImages: 1000,
    epochs: 2,
    batch: 64,
    maxLr: 0.1,
    calibrationImages: 256,
    compensate: true,
    tuneWeights: true,
  },
  final: {
    networks: 4,
    epochs: 8,
    trainImages: 45_000,
    validationImages: 5000,
    refineTolerance: 0.01,
  },
  workers: 2,
};

/** Named starting points; flags override single fields. */
export const PRESETS: Record<string, EvolveConfig> = {
  /** About 30 minutes on 2 cores. */
  default: DEFAULT,
  /** The long search: CGP-CNN's grid and function set, NSGA-Net's population sizes. */
  paper: {
    ...DEFAULT,
    preset: "paper",
    population: 40,
    offspring: 40,
    generations: 50,
    cgp: {
      rows: 5,
      cols: 30,
      levelsBack: 10,
      filters: [32, 64, 128],
      kernels: [3, 5],
      multiplierGenes: "network",
    },
    mutationRate: 0.05,
    multipliers: [],
    constraints: {},
    candidate: {
      trainImages: 45_000,
      validationImages: 5000,
      epochs: 10,
      batch: 128,
      maxLr: 0.2,
      calibrationImages: 1024,
      compensate: true,
      tuneWeights: true,
    },
    final: {
      networks: 10,
      epochs: 50,
      trainImages: 45_000,
      validationImages: 5000,
      refineTolerance: 0.01,
    },
  },
  /** Seconds, on tiny data: for tests and trying the pipeline. */
  smoke: {
    ...DEFAULT,
    preset: "smoke",
    population: 4,
    offspring: 4,
    generations: 2,
    cgp: {
      rows: 1,
      cols: 4,
      levelsBack: 2,
      filters: [4, 8],
      kernels: [3],
      multiplierGenes: "network",
    },
    mutationRate: 0.2,
    constraints: { maxParams: 20_000, maxMults: 2_000_000 },
    candidate: {
      trainImages: 96,
      validationImages: 64,
      epochs: 1,
      batch: 32,
      maxLr: 0.05,
      calibrationImages: 32,
      compensate: true,
      tuneWeights: true,
    },
    final: {
      networks: 2,
      epochs: 1,
      trainImages: 160,
      validationImages: 64,
      refineTolerance: 0.01,
    },
  },
};

export function presetConfig(name: string): EvolveConfig {
  const p = PRESETS[name];
  if (!p) {
    throw new Error(`Unknown preset '${name}': expected one of ${Object.keys(PRESETS).join(", ")}`);
  }
  return structuredClone(p);
}

/** Throws naming the first field that is missing, of the wrong type or out of range. */
export function checkEvolveConfig(c: unknown, where = "evolve config"): EvolveConfig {
  return checkSchema(EvolveConfigSchema, c, where);
}
