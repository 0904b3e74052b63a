/**
 * What a search run does: its presets and their validation. A run directory keeps the
 * config it started with, so a resumed run goes on with exactly the same settings.
 */
import type { MultiplierGenes } from "../cgp/config.ts";

export interface EvolveConfig {
  preset: string;
  seed: number;
  /** NSGA-II parents (mu) and offspring per generation (lambda). */
  population: number;
  offspring: number;
  generations: number;
  cgp: {
    rows: number;
    cols: number;
    levelsBack: number;
    filters: number[];
    kernels: number[];
    multiplierGenes: MultiplierGenes;
  };
  /** Per-gene mutation probability (CGP-CNN: 0.05). */
  mutationRate: number;
  /** Library multipliers the genes choose from, by name; empty = the whole library. A run
   * directory stores the resolved list, exact first. */
  multipliers: string[];
  /** Candidates above these are infeasible and never trained. */
  constraints: { maxParams?: number; maxMults?: number };
  /** How one candidate is evaluated during the search (never on the test set). */
  candidate: {
    /** Training images, drawn from the training split minus the validation images. */
    trainImages: number;
    /** Validation images carved from the training set. */
    validationImages: number;
    epochs: number;
    batch: number;
    maxLr: number;
    /** Training images used to calibrate the 8-bit activation ranges. */
    calibrationImages: number;
    /** Fold each approximate multiplier's mean error into the layer biases (bias correction). */
    compensate: boolean;
    /** With `compensate`: each layer's weight bytes tuned to its multiplier first
     * (src/quant/weight_tuning.ts). Absent in runs made before it existed: off. */
    tuneWeights?: boolean;
  };
  /** At the end: the Pareto set retrained longer, then measured on the test set. */
  final: {
    /** How many networks of the front are retrained (picked across the front). */
    networks: number;
    epochs: number;
    /** Training images for the final retraining, drawn after the held-out validation images
     * (50,000 with no validation = the whole training set). */
    trainImages: number;
    /** Training-set images held out of the final retraining, on which each retrained
     * network's multiplier is re-chosen (0 or absent: no re-choice). They include the
     * candidates' validation split; the test set stays unseen until the end. */
    validationImages?: number;
    /** Re-choice rule: the cheapest library multiplier (one for the whole network) whose
     * approximate 8-bit validation accuracy is at most this far below exact 8-bit. */
    refineTolerance?: number;
  };
  /** Evaluation workers (default: one per core). */
  workers: number;
  /** A warm start: genomes of the first generation, taken from another run. */
  initial?: InitialPopulation;
}

/** Where the first generation came from, and its genomes (stored in config.json). */
export interface InitialPopulation {
  /** The run directory they were read from, as given. */
  from: string;
  /** Their ids in that run. */
  ids: string[];
  genomes: number[][];
}

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

/** Throws naming the first field that is out of range. */
export function checkEvolveConfig(c: EvolveConfig): void {
  const int = (name: string, v: number, lo: number) => {
    if (!Number.isInteger(v) || v < lo) {
      throw new Error(`evolve config: ${name} must be an integer >= ${lo}, found ${v}`);
    }
  };
  int("population", c.population, 2);
  int("offspring", c.offspring, 1);
  int("generations", c.generations, 0);
  int("workers", c.workers, 1);
  int("candidate.trainImages", c.candidate.trainImages, 1);
  int("candidate.validationImages", c.candidate.validationImages, 1);
  int("candidate.epochs", c.candidate.epochs, 1);
  int("candidate.batch", c.candidate.batch, 1);
  int("final.networks", c.final.networks, 0);
  int("final.epochs", c.final.epochs, 1);
  int("final.trainImages", c.final.trainImages, 1);
  int("final.validationImages", c.final.validationImages ?? 0, 0);
  const tol = c.final.refineTolerance;
  if (tol !== undefined && !(tol >= 0 && tol < 1)) {
    throw new Error(`evolve config: final.refineTolerance must be in [0, 1), found ${tol}`);
  }
  if (!(c.mutationRate > 0 && c.mutationRate <= 1)) {
    throw new Error(`evolve config: mutationRate must be in (0, 1], found ${c.mutationRate}`);
  }
  if (!(c.candidate.maxLr > 0)) {
    throw new Error(`evolve config: candidate.maxLr must be > 0, found ${c.candidate.maxLr}`);
  }
}
