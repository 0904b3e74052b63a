/**
 * ONNX files of a network: the float network, and the exact 8-bit network in QDQ form with
 * approxnas's own calibration (docs/api.md, "ONNX"). Both read `input`, float32
 * [N, 3, 32, 32]: CIFAR-10 pixels p (0..255) of channel c as (p / 255 - mean[c]) / std[c]
 * (stated in the metadata), and write `logits`, float32 [N, classes].
 *
 * @example
 * ```ts
 * const model = await readModelFile("data/examples/resnet8-bam_h1v4.apxnet");
 * await Deno.writeFile("net.onnx", floatOnnx(model));
 * await Deno.writeFile("net.qdq.onnx", qdqOnnx(model, "resnet8-bam_h1v4.apxnet"));
 * ```
 */
import { graphCost } from "../../graph/count.ts";
import { EXACT_NAME } from "../../multipliers/catalogue.ts";
import { multiplierOf } from "../../quant/assignment.ts";
import { CIFAR10_MEAN, CIFAR10_STD } from "../../train/augment.ts";
import type { SavedModel } from "../../model/model_file.ts";
import { planFromSpec } from "../../embed/spec.ts";
import { addFloatNetwork, checkExportable } from "./float_graph.ts";
import { OnnxGraph } from "./proto.ts";
import { addQdqNetwork } from "./qdq_graph.ts";
import type { Ranks } from "./ranks.ts";

export { IR_VERSION, OPSET, summarizeOnnx } from "./proto.ts";
export { EXPORTED_OPS } from "./float_graph.ts";

export const INPUT_NAME = "input";
export const OUTPUT_NAME = "logits";

/** The input normalisation, in words, for metadata and docs. */
export const INPUT_NORMALISATION =
  `float32 NCHW [N, 3, 32, 32]: CIFAR-10 pixel p (0..255) of channel c (R, G, B) as ` +
  `(p / 255 - mean[c]) / std[c], mean = [${CIFAR10_MEAN.join(", ")}], ` +
  `std = [${CIFAR10_STD.join(", ")}]`;

export interface FloatOnnxOptions {
  /** Fold each batch norm that is its conv's only consumer into the conv (default true). */
  foldBatchNorm?: boolean;
  /** The source named in the metadata (e.g. the model file's name). */
  source?: string;
}

/** The float network as ONNX (what approxnas's float engine computes at inference). */
export function floatOnnx(model: SavedModel, opts: FloatOnnxOptions = {}): Uint8Array {
  const fold = opts.foldBatchNorm ?? true;
  const onnx = new OnnxGraph(model.graph.name);
  const { output, ranks } = addFloatNetwork(onnx, model, INPUT_NAME, { foldBatchNorm: fold });
  return finish(onnx, model, output, ranks, {
    doc: `approxnas float network '${model.graph.name}' (batch norm ${fold ? "folded" : "kept"})`,
    metadata: {
      "approxnas.arithmetic": "float32",
      "approxnas.batchnorm": fold ? "folded into the conv before it where possible" : "kept",
    },
    source: opts.source,
  });
}

/**
 * The exact 8-bit network of a self-contained model (one carrying its calibration,
 * `inference`) as QuantizeLinear/DequantizeLinear around float ops, with the stored scales
 * and zero-points. ONNX has no way to say an approximate multiplier: each conv/dense node's
 * multiplier, the file's choice, goes into the metadata (`approxnas.multipliers`) and the
 * node's doc string. Throws, naming the field, when the model has no calibration.
 */
export function qdqOnnx(model: SavedModel, name = "model"): Uint8Array {
  const spec = model.inference;
  if (!spec) {
    throw new Error(
      `Model '${name}' carries no 8-bit calibration (its 'inference' field is missing), so ` +
        `its exact 8-bit network is not defined: make it self-contained first ` +
        `(deno task export --model ${name} --out FILE.apxnet)`,
    );
  }
  checkExportable(model.graph);
  const plan = planFromSpec(model, spec, name);
  const layers = [...graphCost(model.graph).multsByNode.keys()];
  const choice = { ...spec.multipliers, tables: {}, decompositions: {} };
  const multipliers = Object.fromEntries(layers.map((n) => [n, multiplierOf(choice, n)]));
  const energy = Object.fromEntries((model.tables ?? []).map((t) => [t.name, t.energyPj]));
  const note = (node: string) =>
    `approxnas multiplier: ${multipliers[node]}` +
    (multipliers[node] === EXACT_NAME ? "" : " (this graph computes it exactly)");
  const onnx = new OnnxGraph(`${model.graph.name}-qdq`);
  const { output, ranks } = addQdqNetwork(onnx, model, plan, INPUT_NAME, note);
  return finish(onnx, model, output, ranks, {
    doc: `approxnas exact 8-bit network '${model.graph.name}' (QDQ; uint8 activations with ` +
      `zero-points, uint8 weights per ${spec.weights === "channel" ? "output channel" : "tensor"})`,
    metadata: {
      "approxnas.arithmetic": "exact 8-bit: uint8 affine activations and weights, int32 sums",
      "approxnas.multipliers": JSON.stringify(multipliers),
      "approxnas.multiplier_energy_pj": JSON.stringify(energy),
      "approxnas.compensate": String(spec.compensate),
      "approxnas.calibration": JSON.stringify(spec.calibration),
      "approxnas.weights": spec.weights,
    },
    source: name,
  });
}

function finish(
  onnx: OnnxGraph,
  model: SavedModel,
  output: string,
  ranks: Ranks,
  info: { doc: string; metadata: Record<string, string>; source?: string },
): Uint8Array {
  onnx.node("Identity", [ranks.flat(output)], [OUTPUT_NAME]);
  const classes = model.graph.classes;
  const cost = graphCost(model.graph);
  return onnx.encode({
    inputs: [{
      name: INPUT_NAME,
      type: "float32",
      dims: [model.graph.input.c, model.graph.input.h, model.graph.input.w],
      doc: INPUT_NORMALISATION,
    }],
    outputs: [{ name: OUTPUT_NAME, type: "float32", dims: [classes], doc: `${classes} logits` }],
    doc: info.doc,
    producerVersion: "1",
    metadata: {
      "approxnas.graph": model.graph.name,
      "approxnas.input": INPUT_NORMALISATION,
      "approxnas.input_mean": JSON.stringify(CIFAR10_MEAN),
      "approxnas.input_std": JSON.stringify(CIFAR10_STD),
      "approxnas.output": `${OUTPUT_NAME}: float32 [N, ${classes}], class scores (argmax: label)`,
      "approxnas.params": String(cost.params),
      "approxnas.mults": String(cost.mults),
      ...(info.source ? { "approxnas.source": info.source } : {}),
      ...info.metadata,
    },
  });
}
