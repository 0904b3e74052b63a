/**
 * A search worker: trains and measures one candidate (on the validation split) or one final
 * network (on the test set) at a time, in its own thread with its own engine.
 */
/// <reference lib="deno.worker" />
import { serveTasks } from "../../util/worker_task.ts";
import type { CandidateResult, CandidateTask, FinalResult, FinalTask } from "./task.ts";
import type { SearchData } from "./data.ts";
import { type Measured, trainAndMeasure } from "./measure.ts";
import { CALIBRATION, QuantizedModel } from "../../quant/quantized_model.ts";
import { makeSelfContained } from "../../embed/export.ts";
import { decodeModel, encodeModel, type SavedModel } from "../../model/model_file.ts";
import { graphCost } from "../../graph/count.ts";
import { refineMultiplier } from "../final/rechoose.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";

export type SearchJob = { kind: "candidate"; task: CandidateTask } | {
  kind: "final";
  task: FinalTask;
};
export interface SearchWorkerInit {
  module: WebAssembly.Module;
  data: SearchData;
  /** The run's resolved multipliers (tables, energies), sent once. */
  library: ResolvedLibrary;
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
      tuneWeights: t.candidate.tuneWeights === true,
      library: init.library,
    });
    return {
      validation: r.measured,
      seconds: r.seconds,
      worker: slot,
      model: encodeModel(r.model),
    };
  }
  const t = job.task;
  const t0 = performance.now();
  let model: SavedModel, measured: Measured, quantized: QuantizedModel;
  if (t.trained) {
    // Already retrained: only the re-choice and the export run again.
    model = decodeModel(t.trained, t.id);
    quantized = await QuantizedModel.calibrate(init.module, model, {
      images: init.data.finalTrain.images,
      count: Math.min(t.calibrationImages, init.data.finalTrain.labels.length),
      compensate: t.compensate,
      tuneWeights: t.tuneWeights,
    }, init.library);
    measured = model.meta.test as Measured;
    const exact8 = await quantized.accuracy({}, init.data.test);
    if (exact8 !== measured?.exact8) {
      throw new Error(
        `${t.id}: exact 8-bit test accuracy is ${exact8} now, the model file records ` +
          `${measured?.exact8}: it does not match this run's data or calibration`,
      );
    }
  } else {
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
      tuneWeights: t.tuneWeights,
      library: init.library,
      meta: t.meta,
    });
    ({ model, measured, quantized } = r);
  }
  let refined: FinalResult["refined"];
  if (t.refine && init.data.finalValidation.labels.length > 0) {
    const choice = await refineMultiplier({
      quantized,
      multsByNode: graphCost(t.graph).multsByNode,
      library: t.refine.library,
      validation: init.data.finalValidation,
      tolerance: t.refine.tolerance,
    });
    const same = JSON.stringify(choice.multipliers) === JSON.stringify(t.multipliers);
    const approx8 = same
      ? measured.approx8
      : await quantized.accuracy(choice.multipliers, init.data.test);
    refined = { ...choice, test: { approx8, images: measured.images } };
    // The model file carries the re-chosen multipliers (what `deno task evaluate` uses by
    // default); the search's own choice stays in its metadata.
    model.meta = {
      ...model.meta,
      multipliers: choice.multipliers,
      searchMultipliers: t.multipliers,
      refined,
    };
  }
  // How approximate layers were corrected: a re-choice may run under other settings than the
  // retraining did (baselines --rechoose after a change of measurement).
  model.meta = {
    ...model.meta,
    test: measured,
    errorCompensation: t.compensate,
    weightTuning: t.tuneWeights,
  };
  // Self-contained (docs/model-format.md): the multipliers' tables and the calibrated 8-bit
  // quantisation travel with the weights, so the embedding API runs it anywhere, same bits.
  const portable = await makeSelfContained(model, {
    calibrationImages: init.data.finalTrain.images,
    calibrationCount: Math.min(t.calibrationImages, init.data.finalTrain.labels.length),
    calibration: CALIBRATION,
    multipliers: refined?.multipliers ?? t.multipliers,
    extraMultipliers: [...new Set(Object.values(t.multipliers))],
    compensate: t.compensate,
    tuneWeights: t.tuneWeights,
    source: "CIFAR-10 training images (the final retraining's first images)",
    module: init.module,
    library: init.library,
  });
  return {
    test: measured,
    refined,
    model: encodeModel(portable),
    seconds: (performance.now() - t0) / 1000,
  };
});
