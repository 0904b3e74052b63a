/**
 * Measuring a trained network on the test set with many multipliers, each as the search
 * measures its retrained networks: the search's own QuantizedModel.calibrate
 * (src/quant/quantized_model.ts), ranges and bias correction from the first
 * `calibrationImages` images of the set the network was trained on. The plan and the activation statistics are
 * built once per network and reused for every multiplier.
 * tests/compare/measure_test.ts checks that the figures equal trainAndMeasure's.
 */
import type { SavedModel } from "../../model/model_file.ts";
import { graphCost } from "../../graph/count.ts";
import { QuantizedModel } from "../../quant/quantized_model.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import type { LabelledImages } from "../../data/cifar10/format.ts";

export interface MeasureSetup {
  module: WebAssembly.Module;
  /** The images the network was trained on; the first `calibrationImages` calibrate. */
  calibration: LabelledImages;
  calibrationImages: number;
  compensate: boolean;
  /** With `compensate`, weight bytes tuned to each multiplier too. */
  tuneWeights: boolean;
  /** The resolved multipliers `accuracy` may be asked for, and the exact one. */
  library: ResolvedLibrary;
}

/** One trained network, quantised once, measured with any multiplier. */
export class NetworkMeasurer {
  private constructor(
    readonly quantized: QuantizedModel,
    /** Conv and dense node ids: the layers a multiplier runs. */
    readonly layers: string[],
  ) {}

  static async create(model: SavedModel, setup: MeasureSetup): Promise<NetworkMeasurer> {
    const quantized = await QuantizedModel.calibrate(setup.module, model, {
      images: setup.calibration.images,
      count: Math.min(setup.calibrationImages, setup.calibration.labels.length),
      compensate: setup.compensate,
      tuneWeights: setup.tuneWeights,
    }, setup.library);
    return new NetworkMeasurer(quantized, [...graphCost(model.graph).multsByNode.keys()]);
  }

  /** Accuracy on `data` with `multiplier` in every conv and dense layer. */
  accuracy(multiplier: string, data: LabelledImages): Promise<number> {
    return this.quantized.accuracy(
      Object.fromEntries(this.layers.map((id) => [id, multiplier])),
      data,
    );
  }
}
