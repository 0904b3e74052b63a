/**
 * What the search gives its workers and what they return: a candidate to train and measure
 * on the validation split, or a final network to retrain and measure on the test set. The
 * search loop and the final retraining depend on these interfaces, not on the pool.
 */
import type { Graph } from "../../graph/graph.ts";
import type { MeasureRecipe } from "./recipe.ts";
import type { SearchData } from "./data.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import type { LibraryEntry } from "../run/library.ts";
import type { Refined } from "../final/rechoose.ts";

export interface CandidateTask {
  id: string;
  graph: Graph;
  /** Multiplier name by conv/dense node id. */
  multipliers: Record<string, string>;
  recipe: MeasureRecipe;
}

export interface CandidateResult {
  validation: { float: number; exact8: number; approx8: number; images: number };
  seconds: { train: number; evaluate: number };
  worker: number;
  /** The trained network as a model file (docs/model-format.md), kept while it is a parent. */
  model?: Uint8Array;
}

/** Trains and measures candidates: workers in a run, a stand-in in tests. */
export interface Evaluator {
  evaluate(task: CandidateTask): Promise<CandidateResult>;
}

export interface FinalTask {
  id: string;
  graph: Graph;
  multipliers: Record<string, string>;
  recipe: MeasureRecipe;
  /** Re-choose the multiplier on the held-out validation images (src/search/final/rechoose.ts). */
  refine?: { tolerance: number; library: LibraryEntry[] };
  /** Written into the model file's metadata. */
  meta: Record<string, unknown>;
  /** The network already retrained (its model file): only re-choose and export again. */
  trained?: Uint8Array;
}

export interface FinalResult {
  test: { float: number; exact8: number; approx8: number; images: number };
  /** The re-chosen multiplier, its validation figures and its test accuracy. */
  refined?: Refined & { test: { approx8: number; images: number } };
  /** The retrained network as a model file (docs/model-format.md). */
  model: Uint8Array;
  seconds: number;
}

/** Retrains and measures final networks: workers in a run, a stand-in in tests. */
export interface FinalTrainer {
  retrain(task: FinalTask): Promise<FinalResult>;
}

/** A job for a search worker (evaluate/worker.ts). */
export type SearchJob = { kind: "candidate"; task: CandidateTask } | {
  kind: "final";
  task: FinalTask;
};

/** What each search worker is given once, when it starts. */
export interface SearchWorkerInit {
  module: WebAssembly.Module;
  data: SearchData;
  /** The run's resolved multipliers (tables, energies), sent once. */
  library: ResolvedLibrary;
}
