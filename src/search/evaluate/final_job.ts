/**
 * What a worker does with a final task: retrain the network (or take the one already
 * retrained), measure it on the test set, re-choose its multipliers on the held-out images,
 * and export it as a self-contained model file.
 */
import type { FinalResult, FinalTask, SearchWorkerInit } from "./task.ts";
import { type Measured, trainAndMeasure } from "./measure.ts";
import { QuantizedModel } from "../../quant/quantized_model.ts";
import { DEFAULT_CALIBRATION } from "../../quant/calibrate.ts";
import { makeSelfContained } from "../../embed/export.ts";
import { decodeModel, encodeModel, type SavedModel } from "../../model/model_file.ts";
import { graphCost } from "../../graph/count.ts";
import { refineMultiplier } from "../final/rechoose.ts";

interface Trained {
  model: SavedModel;
  measured: Measured;
  quantized: QuantizedModel;
}

export async function runFinalTask(t: FinalTask, init: SearchWorkerInit): Promise<FinalResult> {
  const { module, data, library } = init;
  const t0 = performance.now();
  const { model, measured, quantized } = t.trained
    ? await reopen(t, t.trained, init)
    : await trainAndMeasure({
      module,
      graph: t.graph,
      multipliers: t.multipliers,
      recipe: t.recipe,
      trainData: data.finalTrain,
      evalData: data.test,
      library,
      meta: t.meta,
    });
  const refined = t.refine && data.finalValidation.labels.length > 0
    ? await rechoose(t, t.refine, { model, measured, quantized }, data)
    : undefined;
  // How approximate layers were corrected: a re-choice may run under other settings than the
  // retraining did (baselines --rechoose after a change of measurement).
  const q = t.recipe.quant;
  model.meta = {
    ...model.meta,
    test: measured,
    errorCompensation: q.compensate,
    weightTuning: q.tuneWeights,
  };
  // Self-contained (docs/model-format.md): the multipliers' tables and the calibrated 8-bit
  // quantisation travel with the weights, so the embedding API runs it anywhere, same bits.
  const portable = await makeSelfContained(model, {
    calibrationImages: data.finalTrain.images,
    calibrationCount: Math.min(q.calibrationImages, data.finalTrain.labels.length),
    calibration: DEFAULT_CALIBRATION,
    multipliers: refined?.multipliers ?? t.multipliers,
    extraMultipliers: [...new Set(Object.values(t.multipliers))],
    compensate: q.compensate,
    tuneWeights: q.tuneWeights,
    source: "CIFAR-10 training images (the final retraining's first images)",
    module,
    library,
  });
  return {
    test: measured,
    refined,
    model: encodeModel(portable),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A network retrained already: quantised again, its exact 8-bit test figure checked. */
async function reopen(
  t: FinalTask,
  bytes: Uint8Array,
  { module, data, library }: SearchWorkerInit,
): Promise<Trained> {
  const model = decodeModel(bytes, t.id);
  const q = t.recipe.quant;
  const quantized = await QuantizedModel.calibrate(module, model, {
    images: data.finalTrain.images,
    count: Math.min(q.calibrationImages, data.finalTrain.labels.length),
    compensate: q.compensate,
    tuneWeights: q.tuneWeights,
  }, library);
  const measured = model.meta.test as Measured;
  const exact8 = await quantized.accuracy({}, data.test);
  if (exact8 !== measured?.exact8) {
    throw new Error(
      `${t.id}: exact 8-bit test accuracy is ${exact8} now, the model file records ` +
        `${measured?.exact8}: it does not match this run's data or calibration`,
    );
  }
  return { model, measured, quantized };
}

/** The re-chosen multipliers and their test accuracy; the model's metadata records them. */
async function rechoose(
  t: FinalTask,
  refine: NonNullable<FinalTask["refine"]>,
  { model, measured, quantized }: Trained,
  data: SearchWorkerInit["data"],
): Promise<FinalResult["refined"]> {
  const choice = await refineMultiplier({
    quantized,
    multsByNode: graphCost(t.graph).multsByNode,
    library: refine.library,
    validation: data.finalValidation,
    tolerance: refine.tolerance,
  });
  const same = JSON.stringify(choice.multipliers) === JSON.stringify(t.multipliers);
  const approx8 = same ? measured.approx8 : await quantized.accuracy(choice.multipliers, data.test);
  const refined = { ...choice, test: { approx8, images: measured.images } };
  // The model file carries the re-chosen multipliers (what `deno task evaluate` uses by
  // default); the search's own choice stays in its metadata.
  model.meta = {
    ...model.meta,
    multipliers: choice.multipliers,
    searchMultipliers: t.multipliers,
    refined,
  };
  return refined;
}
