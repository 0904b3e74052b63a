/**
 * A measuring worker: the 8-bit test accuracy of one (network, multiplier) pair per task, in
 * its own thread. The quantised network of the last model seen (by content) is kept, so
 * consecutive pairs of one network calibrate it once.
 */
/// <reference lib="deno.worker" />
import { serveTasks } from "../../util/worker_task.ts";
import { decodeModel } from "../../model/model_file.ts";
import { NetworkMeasurer } from "./measurer.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import type { LabelledImages } from "../../data/cifar10/format.ts";

export interface MeasureInit {
  module: WebAssembly.Module;
  /** The training images of the networks (the first ones calibrate). */
  calibration: LabelledImages;
  test: LabelledImages;
  /** The resolved multipliers tasks may name (default: every library multiplier), sent once. */
  library?: ResolvedLibrary;
}

export interface PairTask {
  network: string;
  /** The model file's bytes. */
  model: Uint8Array;
  calibrationImages: number;
  compensate: boolean;
  tuneWeights: boolean;
  multiplier: string;
}

export interface PairResult {
  accuracy: number;
  seconds: number;
}

let cached: { key: string; measurer: NetworkMeasurer } | undefined;

// MeasurePool fills in the library.
serveTasks<PairTask, PairResult, Required<MeasureInit>>(async (task, init) => {
  const t0 = performance.now();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", task.model as BufferSource));
  const key = `${
    [...digest].join(".")
  }/${task.calibrationImages}/${task.compensate}/${task.tuneWeights}`;
  if (cached?.key !== key) {
    cached = undefined; // let the previous network's engine go first
    cached = {
      key,
      measurer: await NetworkMeasurer.create(decodeModel(task.model, task.network), {
        module: init.module,
        calibration: init.calibration,
        calibrationImages: task.calibrationImages,
        compensate: task.compensate,
        tuneWeights: task.tuneWeights,
        library: init.library,
      }),
    };
  }
  const accuracy = await cached.measurer.accuracy(task.multiplier, init.test);
  return { accuracy, seconds: (performance.now() - t0) / 1000 };
});
