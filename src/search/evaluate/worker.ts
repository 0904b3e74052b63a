/**
 * A search worker: trains and measures one candidate (on the validation split) or one final
 * network (on the test set) at a time, in its own thread with its own engine.
 */
/// <reference lib="deno.worker" />
import { serveTasks } from "../../util/worker_task.ts";
import type { CandidateResult, FinalResult, SearchJob, SearchWorkerInit } from "./task.ts";
import { trainAndMeasure } from "./measure.ts";
import { runFinalTask } from "./final_job.ts";
import { encodeModel } from "../../model/model_file.ts";

serveTasks<SearchJob, CandidateResult | FinalResult, SearchWorkerInit>(async (job, init, slot) => {
  if (job.kind === "final") return await runFinalTask(job.task, init);
  const t = job.task;
  const r = await trainAndMeasure({
    module: init.module,
    graph: t.graph,
    multipliers: t.multipliers,
    recipe: t.recipe,
    trainData: init.data.train,
    evalData: init.data.validation,
    library: init.library,
  });
  return { validation: r.measured, seconds: r.seconds, worker: slot, model: encodeModel(r.model) };
});
