/**
 * The numbers a hardware designer needs per layer of a self-contained model's 8-bit network:
 * every tensor's affine encoding, and for each conv/dense layer its geometry, weight
 * encodings, int32 bias, requantisation factors, multiplications per image, multiplier and
 * energy, and the bias corrections of its approximate multiplier. Plain JSON (layers.json of
 * a bundle); the weight bytes themselves are in the QDQ ONNX file.
 */
import { graphCost } from "../graph/count.ts";
import { multiplierOf } from "../quant/assignment.ts";
import type { QPlan } from "../quant/plan.ts";
import type { InferenceSpec, SavedModel } from "../model/model_file.ts";
import { EXACT_NAME } from "../multipliers/catalogue.ts";
import { fusesRelu, quantizedBias } from "./onnx/qdq_graph.ts";

export interface LayerParams {
  node: string;
  op: "conv" | "dwconv" | "dense";
  /** Graph nodes the layer computes (a folded batch norm, a fused ReLU). */
  fused: string[];
  input: string;
  output: string;
  /** conv: kernel, stride, padding [top, left, bottom, right]. */
  kernel?: [number, number];
  stride?: [number, number];
  pad?: [number, number, number, number];
  inChannels: number;
  outChannels: number;
  multiplications: number;
  multiplier: string;
  pjPerMultiplication: number | null;
  njPerInference: number | null;
  weights: { scale: number[]; zero: number[] };
  /** b_q: the float bias in accumulator units (s_x * s_w), int32, per output channel. */
  bias: number[];
  /** acc -> output: float32 factor per channel (s_x * s_w / s_y; float output: s_x * s_w). */
  requantScale: number[];
  /** Output byte clamped below at the zero-point (a fused ReLU). */
  relu: boolean;
  floatOutput: boolean;
  /** Approximate 8-bit with compensation: subtract from `bias` per channel. */
  biasCorrection: number[] | null;
  weightsTuned: boolean;
}

export interface NetworkParams {
  graph: string;
  /** How products and sums are done (docs/api.md, "ONNX"). */
  arithmetic: string;
  calibration: InferenceSpec["calibration"];
  compensate: boolean;
  tensors: Record<string, { shape: [number, number, number]; scale: number; zero: number }>;
  layers: LayerParams[];
  totals: { multiplications: number; exactNj: number | null; approximateNj: number | null };
}

const ARITHMETIC = "acc = sum (a - z_a)(w - z_w[co]) + bias[co] in int32 (an approximate " +
  "multiplier replaces each unsigned product a * w, activation first, by its table entry; " +
  "padding taps read z_a); output byte = clamp(round_half_even(f32(f32(acc) * " +
  "requantScale[co]) + z_out), relu ? z_out : 0, 255)";

/** The per-layer parameters of `plan` (the exact plan of the model's stored spec). */
export function networkParams(model: SavedModel, plan: QPlan): NetworkParams {
  const spec = model.inference!;
  const cost = graphCost(model.graph);
  const energy = new Map((model.tables ?? []).map((t) => [t.name, t.energyPj]));
  const exactPj = energy.get(EXACT_NAME) ?? null;
  const choice = { ...spec.multipliers, tables: {}, decompositions: {} };
  const layers: LayerParams[] = [];
  let exactNj: number | null = 0, approximateNj: number | null = 0;
  for (const s of plan.steps) {
    if (s.op !== "conv") continue;
    const node = plan.graph.nodes.find((n) => n.id === s.node)!;
    const multiplier = multiplierOf(choice, s.node);
    const mults = cost.multsByNode.get(s.node)!;
    const pj = energy.get(multiplier) ?? null;
    const corr = spec.compensate ? spec.corrections[multiplier]?.[s.node] ?? null : null;
    exactNj = exactPj === null || exactNj === null ? null : exactNj + (mults * exactPj) / 1000;
    approximateNj = pj === null || approximateNj === null
      ? null
      : approximateNj + (mults * pj) / 1000;
    layers.push({
      node: s.node,
      op: s.dense ? "dense" : s.depthwise ? "dwconv" : "conv",
      fused: s.fused,
      input: s.input,
      output: s.output,
      ...(node.op === "conv" || node.op === "dwconv"
        ? { kernel: node.kernel, stride: node.stride, pad: node.pad }
        : {}),
      inChannels: s.c,
      outChannels: s.k,
      multiplications: mults,
      multiplier,
      pjPerMultiplication: pj,
      njPerInference: pj === null ? null : (mults * pj) / 1000,
      weights: { scale: Array.from(s.weightScale), zero: Array.from(s.weightZero) },
      bias: Array.from(quantizedBias(s, plan.tensors[s.input].q.zero)),
      requantScale: Array.from(s.scale),
      relu: fusesRelu(plan.graph, s),
      floatOutput: s.floatOutput,
      biasCorrection: corr,
      weightsTuned: spec.compensate && spec.weightMaps?.[multiplier]?.[s.node] !== undefined,
    });
  }
  const tensors = Object.fromEntries(
    Object.values(plan.tensors).map((t) => [t.id, {
      shape: [t.shape.h, t.shape.w, t.shape.c] as [number, number, number],
      scale: t.q.scale,
      zero: t.q.zero,
    }]),
  );
  if (plan.floatOutput) delete tensors[plan.output]; // float logits: no encoding
  return {
    graph: model.graph.name,
    arithmetic: ARITHMETIC,
    calibration: spec.calibration,
    compensate: spec.compensate,
    tensors,
    layers,
    totals: { multiplications: cost.mults, exactNj, approximateNj },
  };
}
