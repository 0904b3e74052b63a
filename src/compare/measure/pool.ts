/**
 * Pairs measured over a pool of workers (one per core by default), each pair on whichever
 * worker is free: two networks' pairs, or two pairs of one network, run at the same time.
 */
import { WorkerPool } from "../../util/worker_pool.ts";
import type { MeasureInit, PairResult, PairTask } from "./worker.ts";
import { wholeLibrary } from "../../quant/library_tables.ts";

/** What measures a pair: the pool in a run, a stand-in in tests. */
export interface PairMeasurer {
  measure(task: PairTask): Promise<PairResult>;
}

export class MeasurePool implements PairMeasurer {
  #pool: WorkerPool<PairTask, PairResult>;

  constructor(init: MeasureInit, workers: number) {
    this.#pool = new WorkerPool({
      script: new URL("./worker.ts", import.meta.url),
      size: workers,
      init: Promise.resolve(init.library ?? wholeLibrary()).then((library) => ({
        ...init,
        library,
      })),
    });
  }

  measure(task: PairTask): Promise<PairResult> {
    return this.#pool.run(task);
  }

  close(): void {
    this.#pool.close();
  }
}
