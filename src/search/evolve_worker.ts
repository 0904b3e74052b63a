/**
 * A search worker: trains and measures one candidate (on the validation split) or one final
 * network (on the test set) at a time, in its own thread with its own engine.
 */
/// <reference lib="deno.worker" />
import { serveTasks } from "../util/worker_task.ts";
import type { CandidateResult, CandidateTask } from "./evolve.ts";
import type { FinalResult, FinalTask } from "./evolve_final.ts";
import type { SearchData } from "./evolve_data.ts";
import { trainAndMeasure } from "./evolve_measure.ts";
import { encodeModel } from "../train/model_file.ts";

export type SearchJob = { kind: "candidate"; task: CandidateTask } | {
  kind: "final";
  task: FinalTask;
};
export interface SearchWorkerInit {
  module: WebAssembly.Module;
  data: SearchData;
}

serveTasks<SearchJob, CandidateResult | FinalResult, SearchWorkerInit>(async (job, init, slot) => {
  if (job.kind === "candidate") {
    const t = job.task;
    const r = await trainAndMeasure({
      module: init.module,
      graph: t.graph,
      multipliers: t.multipliers,
      seed: t.seed,
      epochs: t.candidate.epochs,
      batch: t.candidate.batch,
      maxLr: t.candidate.maxLr,
      trainData: init.data.train,
      evalData: init.data.validation,
      calibrationImages: t.candidate.calibrationImages,
      compensate: t.candidate.compensate,
    });
    return { validation: r.measured, seconds: r.seconds, worker: slot };
  }
  const t = job.task;
  const t0 = performance.now();
  const r = await trainAndMeasure({
    module: init.module,
    graph: t.graph,
    multipliers: t.multipliers,
    seed: t.seed,
    epochs: t.epochs,
    batch: 128,
    maxLr: 0.2,
    trainData: init.data.finalTrain,
    evalData: init.data.test,
    calibrationImages: t.calibrationImages,
    compensate: t.compensate,
    meta: t.meta,
  });
  r.model.meta = { ...r.model.meta, test: r.measured };
  return {
    test: r.measured,
    model: encodeModel(r.model),
    seconds: (performance.now() - t0) / 1000,
  };
});
