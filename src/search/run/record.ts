/**
 * What a search run writes down: one record per candidate evaluation (a line of
 * `evaluations.jsonl`), the checkpoint, and the records of the final retraining.
 */

export interface EvaluationRecord {
  /** "g<generation>-c<index>": generation 0 is the initial population. */
  id: string;
  generation: number;
  index: number;
  genome: number[];
  /** Equal for two genomes exactly when they decode to the same network and multipliers. */
  phenotype: string;
  summary: string;
  params: number;
  mults: number;
  /** Multiplier name by conv/dense node id. */
  multipliers: Record<string, string>;
  /** Energy of the multiplications of one inference, in nanojoules (model estimate). */
  energyNj: number;
  /** Exceeds a constraint: never trained, ranked by how far it exceeds. */
  violation: number;
  /** [validation error of the approximate 8-bit network, parameters, energy nJ]; Infinity when failed. */
  objectives: [number, number, number];
  /** Validation accuracies, all measured on the same validation split. */
  validation?: { float: number; exact8: number; approx8: number; images: number };
  seconds?: { train: number; evaluate: number };
  /** Which worker evaluated it, or the id of the earlier record with the same phenotype. */
  worker?: number;
  reusedFrom?: string;
  /** The network as trained during the search (run-relative .apxnet path), kept while it
   * is in the population. */
  model?: string;
  error?: string;
}

export interface Checkpoint {
  /** Generations whose survival is complete (0 = the initial population is evaluated). */
  completed: number;
  /** Ids of the current parents. */
  population: string[];
  /** Hypervolume of the parents' feasible front after each completed generation. */
  hypervolume: number[];
  /** Hypervolume of the archive (the front of every evaluation up to that generation). */
  archiveHypervolume?: number[];
  updated: string;
}

export interface FinalRecord {
  id: string;
  summary: string;
  params: number;
  mults: number;
  multipliers: Record<string, string>;
  energyNj: number;
  /** Energy of the same network with exact multipliers. */
  exactEnergyNj: number;
  epochs: number;
  trainImages: number;
  /** Test-set accuracies (10,000 CIFAR-10 test images unless limited). */
  test: { float: number; exact8: number; approx8: number; images: number };
  /**
   * The same network with its multiplier re-chosen after retraining (src/search/final/rechoose.ts):
   * the cheapest one within a tolerance of exact 8-bit on held-out validation images, then
   * measured on the test set. Absent when the run does not re-choose.
   */
  refined?: {
    multipliers: Record<string, string>;
    energyNj: number;
    validation: { exact8: number; approx8: number; images: number; tolerance: number };
    trials: { name: string; node?: string; approx8: number }[];
    test: { approx8: number; images: number };
  };
  model: string;
  seconds: number;
  error?: string;
}

export function recordId(generation: number, index: number): string {
  return `g${generation}-c${index}`;
}
