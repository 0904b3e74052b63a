/** The README.md of a hardware bundle (src/export/bundle.ts): a pure function of its facts. */
import { graphCost } from "../graph/count.ts";
import { EXACT_NAME } from "../multipliers/catalogue.ts";
import type { SavedModel } from "../model/model_file.ts";
import type { NetworkParams } from "./layer_params.ts";
import { INPUT_NORMALISATION } from "./onnx/mod.ts";

/** Accuracies of the three arithmetics on the first `images` of `source`. */
export interface Accuracies {
  images: number;
  source: string;
  float: number;
  exact8: number;
  approx8: number;
}

export interface ReadmeFacts {
  name: string;
  model: SavedModel;
  params: NetworkParams;
  multipliers: { name: string; note: string; energyPj: number; layers: string[] }[];
  accuracies: Accuracies | null;
  files: string[];
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const nj = (x: number | null) => (x === null ? "-" : `${x.toFixed(1)} nJ`);
const int = (x: number) => x.toLocaleString("en-US");

export function bundleReadme(f: ReadmeFacts): string {
  const p = f.params;
  const spec = f.model.inference!;
  const approx = [...new Set(p.layers.map((l) => l.multiplier))];
  const approxText = approx.length === 1
    ? `\`${approx[0]}\` in every layer`
    : approx.map((m) => `\`${m}\``).join(", ") + " (per layer, below)";
  const comp = spec.compensate ? ", mean error compensated in the biases" : "";
  const tuned = p.layers.some((l) => l.weightsTuned) ? ", weights tuned" : "";
  const saving = p.totals.exactNj && p.totals.approximateNj !== null
    ? ` (${pct(p.totals.approximateNj / p.totals.exactNj)} of exact)`
    : "";
  const a = f.accuracies;
  const accuracy = (x: number | undefined) => (a && x !== undefined ? pct(x) : "not measured");
  const layerRows = p.layers.map((l) =>
    `| ${l.node} | ${l.op}${l.kernel ? ` ${l.kernel.join("x")}, stride ${l.stride![0]}` : ""} | ` +
    `${l.inChannels} -> ${l.outChannels} | ${int(l.multiplications)} | \`${l.multiplier}\` | ` +
    `${l.pjPerMultiplication?.toFixed(3) ?? "-"} | ${nj(l.njPerInference)} |`
  );
  const weightsPer = spec.weights === "channel" ? "output channel" : "tensor";
  const paragraphs = [
    `# ${p.graph}: hardware bundle`,
    `Network \`${p.graph}\` from \`${f.name}\`, written by approxnas (\`deno task export ` +
    `--format bundle\`): ${int(graphCost(f.model.graph).params)} parameters, ` +
    `${int(p.totals.multiplications)} multiplications per image; the approximate network's ` +
    "multipliers: " +
    `${approxText}${comp}${tuned}.`,
    a
      ? `Measured by approxnas's engine on the first ${int(a.images)} ${a.source}:`
      : "Accuracy not measured (no test images were given).",
    [
      "| arithmetic | accuracy | energy of the multiplications per inference |",
      "| --- | --- | --- |",
      `| float32 | ${accuracy(a?.float)} | - |`,
      `| exact 8-bit (\`${EXACT_NAME}\`) | ${accuracy(a?.exact8)} | ${nj(p.totals.exactNj)} |`,
      `| approximate 8-bit | ${accuracy(a?.approx8)} | ${nj(p.totals.approximateNj)}${saving} |`,
    ].join("\n"),
    "Energy is the multiplications times the library's model estimate of each multiplier's " +
    "energy per multiplication (not a synthesis result); additions and memory are not counted.",
    "## Files",
    [
      "- `float.onnx`: the float network (batch norm folded into the convolution before it).",
      "- `exact8.qdq.onnx`: the exact 8-bit network as QuantizeLinear/DequantizeLinear around " +
      "float ops, with approxnas's scales and zero-points (ONNX Runtime runs it on its integer " +
      "kernels). ONNX cannot name an approximate multiplier: the metadata " +
      "(`approxnas.multipliers`) and each layer's doc string say which one the layer uses.",
      "- `multipliers/NAME.v`: structural Verilog of each multiplier (module NAME; ports " +
      "`A[7:0]` the activation byte, `B[7:0]` the weight byte, `O[15:0]` the product).",
      "- `multipliers/NAME.bin`: its 256 x 256 products, uint16 little-endian, index " +
      "`a * 256 + b` (checked equal to the simulated netlist and to the model file's table).",
      "- `layers.json`: every tensor's scale and zero-point; per conv/dense layer its geometry, " +
      "weight scales and zero-points, int32 bias, requantisation factors, multiplications, " +
      "multiplier, energy, and the bias corrections of the approximate network.",
    ].join("\n"),
    "## Input and output",
    `\`input\`: ${INPUT_NORMALISATION}. \`logits\`: float32 [N, ${f.model.graph.classes}]; ` +
    "the class is the index of the largest.",
    "## Arithmetic of each conv/dense layer",
    `${p.arithmetic}. Activations are unsigned bytes x = scale * (q - zero), one encoding per ` +
    `tensor; weights one encoding per ${weightsPer}. The approximate network uses the same ` +
    "bytes and encodings, with each product `a * w` read from the layer's multiplier table" +
    (spec.compensate ? " and `biasCorrection` subtracted from the bias" : "") +
    (tuned ? ", and the weight bytes tuned to the multiplier (the model file's weightMaps)" : "") +
    ".",
    "## Layers",
    [
      "| layer | op | channels in -> out | multiplications | multiplier | pJ per mult. | energy |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...layerRows,
    ].join("\n"),
    "## Multipliers",
    f.multipliers.map((m) =>
      `- \`${m.name}\` (${m.energyPj.toFixed(3)} pJ per multiplication): ${m.note}; layers ` +
      `${m.layers.join(", ")}.`
    ).join("\n"),
  ];
  return paragraphs.join("\n\n") + "\n";
}
