/**
 * Measuring a trained network on the test set with many multipliers, each as the search
 * measures its retrained networks (src/search/evolve_measure.ts trainAndMeasure): activation
 * ranges calibrated (evolve_measure's CALIBRATION) on the first `calibrationImages` images
 * of the set the network was trained on, then the search's own QuantizedModel, whose bias
 * correction uses the same calibration images. The plan and the activation statistics are
 * built once per network and reused for every multiplier.
 * tests/compare/measure_test.ts checks that the figures equal trainAndMeasure's.
 */
import type { SavedModel } from "../train/model_file.ts";
import type { Dataset } from "../train/replica.ts";
import { graphCost } from "../graph/count.ts";
import { instantiateEngine } from "../engine/wasm.ts";
import { quantizeWithCalibration } from "../quant/quantize.ts";
import { CALIBRATION, QuantizedModel } from "../search/evolve_measure.ts";

export interface MeasureSetup {
  module: WebAssembly.Module;
  /** The images the network was trained on; the first `calibrationImages` calibrate. */
  calibration: Dataset;
  calibrationImages: number;
  compensate: boolean;
}

/** One trained network, quantised once, measured with any multiplier. */
export class NetworkMeasurer {
  private constructor(
    readonly quantized: QuantizedModel,
    /** Conv and dense node ids: the layers a multiplier runs. */
    readonly layers: string[],
  ) {}

  static async create(model: SavedModel, setup: MeasureSetup): Promise<NetworkMeasurer> {
    const engine = await instantiateEngine(setup.module);
    const count = Math.min(setup.calibrationImages, setup.calibration.labels.length);
    const plan = await quantizeWithCalibration(
      model,
      setup.calibration.images,
      count,
      CALIBRATION,
      {},
      engine,
    );
    const quantized = new QuantizedModel(setup.module, engine, plan, {
      images: setup.calibration.images,
      count,
      compensate: setup.compensate,
    });
    return new NetworkMeasurer(quantized, [...graphCost(model.graph).multsByNode.keys()]);
  }

  /** Accuracy on `data` with `multiplier` in every conv and dense layer. */
  accuracy(multiplier: string, data: Dataset): Promise<number> {
    return this.quantized.accuracy(
      Object.fromEntries(this.layers.map((id) => [id, multiplier])),
      data,
    );
  }
}
