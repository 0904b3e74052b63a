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
} from "./task.ts";
import type { SearchData } from "./data.ts";
import type { SearchJob } from "./worker.ts";

export class SearchPool implements Evaluator, FinalTrainer {
  #pool: WorkerPool<SearchJob, CandidateResult | FinalResult>;

  constructor(module: WebAssembly.Module, data: SearchData, workers: number) {
    this.#pool = new WorkerPool({
      script: new URL("./worker.ts", import.meta.url),
      size: workers,
      init: { module, data },
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
