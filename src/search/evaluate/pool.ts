/**
 * The search's evaluators over a pool of workers (one per core by default): candidates and
 * final retrainings go to whichever worker is free; a worker that dies fails only its task
 * and is replaced.
 */
import { WorkerPool } from "../../util/worker_pool.ts";
import type {
  CandidateResult,
  CandidateTask,
  Evaluator,
  FinalResult,
  FinalTask,
  FinalTrainer,
  SearchJob,
  SearchWorkerInit,
} from "./task.ts";
import type { SearchData } from "./data.ts";
import { wholeLibrary } from "../../quant/library_tables.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";

export class SearchPool implements Evaluator, FinalTrainer {
  #pool: WorkerPool<SearchJob, CandidateResult | FinalResult>;

  /** `library`: the run's resolved multipliers, sent once to each worker (default: every
   * library multiplier). */
  constructor(
    module: WebAssembly.Module,
    data: SearchData,
    workers: number,
    library?: ResolvedLibrary,
  ) {
    const init: Promise<SearchWorkerInit> = Promise.resolve(library ?? wholeLibrary())
      .then((library) => ({ module, data, library }));
    this.#pool = new WorkerPool({
      script: new URL("./worker.ts", import.meta.url),
      size: workers,
      init,
    });
  }

  evaluate(task: CandidateTask): Promise<CandidateResult> {
    return this.#pool.run({ kind: "candidate", task }) as Promise<CandidateResult>;
  }

  retrain(task: FinalTask): Promise<FinalResult> {
    return this.#pool.run({ kind: "final", task }) as Promise<FinalResult>;
  }

  close(): void {
    this.#pool.close();
  }
}
