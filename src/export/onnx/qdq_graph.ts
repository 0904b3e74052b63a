/**
 * The exact 8-bit network as QDQ ONNX: every tensor of the 8-bit plan (src/quant/plan.ts) is
 * a uint8 tensor with approxnas's own scale and zero-point, and every step is float ops
 * between DequantizeLinear and QuantizeLinear, in the patterns ONNX Runtime fuses into its
 * integer kernels (QLinearConv, QGemm, QLinearAdd, QLinearConcat, uint8 MaxPool):
 *
 * - conv/dense: DQ(x), DQ(uint8 weights, per-channel scale and zero-point), DQ(int32 bias at
 *   scale s_x * s_w) -> Conv/Gemm -> [Relu] -> Q. The int32 bias is the plan's quantised
 *   float bias (the plan also folds the zero-point terms into its bias; they are taken out).
 *   A fused ReLU clamps at the output zero-point, which is 0 after a ReLU (its range starts
 *   at 0), so Relu -> Q is what ONNX Runtime folds into the clamp. The last layer, when it
 *   ends the network, has no Q: float logits, as the plan's.
 * - add: DQ(a) + DQ(b) -> [Relu] -> Q; concat: Concat(DQ(a), DQ(b)) -> [Relu] -> Q (approxnas
 *   re-encodes each input through a 256-entry table: the same map).
 * - max pooling in bytes keeps the encoding: DQ -> MaxPool -> Q with the input's parameters.
 * - average pooling: approxnas rounds the mean of the bytes half up, ONNX's QuantizeLinear
 *   rounds half to even; adding a quarter of one tap's share of a step before Q makes every
 *   tie round up without moving any other value (the mean is a multiple of 1/taps).
 * - global average pooling, a standalone batch norm or ReLU: DQ -> op -> Q.
 */
import type { Graph, GraphNode, TensorShape } from "../../graph/graph.ts";
import { channelsPerOutput, type QConvStep, type QPlan, type QStep } from "../../quant/plan.ts";
import type { SavedModel } from "../../model/model_file.ts";
import { BN_EPS } from "../../ops/batchnorm/spec.ts";
import { convAttributes, poolAttributes, unsupportedOp } from "./float_graph.ts";
import { denseRowsToNchw, hwioToOihw, ModelTensors } from "./layout.ts";
import type { OnnxGraph } from "./proto.ts";
import { Ranks } from "./ranks.ts";

/** What each conv/dense node's doc string says of its multiplier. */
export type LayerNote = (node: string) => string;

/** The plan's int32 bias of a conv step without its folded zero-point terms: b_q. */
export function quantizedBias(s: QConvStep, inputZero: number): Int32Array {
  const colSum = new Float64Array(s.k);
  for (let i = 0; i < s.weights.length; i++) colSum[i % s.k] += s.weights[i];
  const taps = s.kh * s.kw * channelsPerOutput(s);
  return Int32Array.from(s.bias, (b, co) => {
    const v = b + inputZero * colSum[co] - taps * inputZero * s.weightZero[co];
    if (!Number.isSafeInteger(v) || Math.abs(v) > 2 ** 31 - 1) {
      throw new Error(`ONNX export: the bias of layer '${s.node}' channel ${co} is beyond int32`);
    }
    return v;
  });
}

/** Whether a step computes a ReLU among its graph nodes. */
export function fusesRelu(graph: Graph, s: QStep): boolean {
  return s.fused.some((id) => graph.nodes.find((n) => n.id === id)?.op === "relu");
}

/** Float32 values nearest x first: x, then 1, 2, ... units in the last place either side. */
function* float32Around(x: number, ulps: number): Generator<number> {
  const bits = new Uint32Array(1), value = new Float32Array(bits.buffer);
  value[0] = x;
  const at = bits[0];
  yield value[0];
  for (let d = 1; d <= ulps; d++) {
    for (const b of [at - d, at + d]) {
      bits[0] = b;
      yield value[0];
    }
  }
}

/**
 * A float32 weight scale within 64 ulps of `scale` (nearest first) for which ONNX Runtime's
 * float32 requantisation factor, (s_x * s_w) / s_y, or s_x * s_w for float output, equals
 * the plan's `factor` (computed from the float64 scales, then rounded), so that its integer
 * kernels scale each int32 sum as approxnas does. Where the two float32 roundings skip the
 * plan's factor for every such scale (about one channel in five), the nearest factor wins:
 * one unit in the last place off.
 */
export function matchingWeightScale(
  scale: number,
  sx: number,
  sy: number,
  factor: number,
  floatOutput: boolean,
): number {
  let best = Math.fround(scale), bestError = Infinity;
  for (const w of float32Around(scale, 64)) {
    const xw = Math.fround(sx * w);
    const error = Math.abs((floatOutput ? xw : Math.fround(xw / sy)) - factor);
    if (error === 0) return w;
    if (error < bestError) [best, bestError] = [w, error];
  }
  return best;
}

class QdqWriter {
  readonly ranks: Ranks;
  readonly #byId: Map<string, GraphNode>;
  readonly #tensors: ModelTensors;
  readonly #weightScales = new Map<QConvStep, Float32Array>();

  constructor(
    readonly onnx: OnnxGraph,
    readonly plan: QPlan,
    model: SavedModel,
    readonly note: LayerNote,
  ) {
    this.ranks = new Ranks(onnx);
    this.#byId = new Map(plan.graph.nodes.map((n) => [n.id, n]));
    this.#tensors = new ModelTensors(model);
  }

  get graph(): Graph {
    return this.plan.graph;
  }

  shape(id: string): TensorShape {
    return this.plan.tensors[id].shape;
  }

  /** The uint8 tensor of plan tensor `id`. */
  q(id: string): string {
    return `${id}/q`;
  }

  /** Scale and zero-point constants of plan tensor `id` (float32 scale, uint8 zero). */
  encoding(id: string): [string, string] {
    const scale = `${id}/scale`, zero = `${id}/zero`;
    if (!this.onnx.has(scale)) {
      const q = this.plan.tensors[id].q;
      this.onnx.constant(scale, "float32", [], [q.scale]);
      this.onnx.constant(zero, "uint8", [], [q.zero]);
    }
    return [scale, zero];
  }

  /** DequantizeLinear of a uint8 tensor (`name`, maybe reshaped) holding plan tensor `id`. */
  dq(name: string, id: string): string {
    const out = `${name}/dq`;
    if (!this.onnx.has(out)) {
      this.onnx.node("DequantizeLinear", [name, ...this.encoding(id)], [out]);
      this.ranks.set(out, this.ranks.rank(name));
    }
    return out;
  }

  /** QuantizeLinear of float `x` into plan tensor `id`'s uint8 tensor. */
  quantize(x: string, id: string): string {
    this.onnx.node("QuantizeLinear", [x, ...this.encoding(id)], [this.q(id)]);
    return this.ranks.set(this.q(id), this.ranks.rank(x));
  }

  /** Relu when the step fused one (its output zero-point is then 0: Relu -> Q folds). */
  relu(x: string, s: QStep): string {
    if (!fusesRelu(this.graph, s)) return x;
    const out = this.onnx.node("Relu", [x], [`${x}/relu`]);
    return this.ranks.set(out, this.ranks.rank(x));
  }

  input(id: string, input: string): void {
    this.ranks.set(input, 4);
    this.quantize(input, id);
  }

  conv(s: QConvStep): string {
    const inShape = this.shape(s.input);
    const xq = s.dense
      ? this.ranks.flat(this.q(s.input))
      : this.ranks.spatial(this.q(s.input), inShape);
    const x = this.dq(xq, s.input);
    const weights = s.dense
      ? denseRowsToNchw(s.weights, inShape, s.k)
      : hwioToOihw(s.weights, s.kh, s.kw, channelsPerOutput(s), s.k);
    const dims = s.dense ? [s.c, s.k] : [s.k, channelsPerOutput(s), s.kh, s.kw];
    const axis = s.dense ? 1 : 0;
    const c = (what: string, type: "float32" | "uint8" | "int32", v: ArrayLike<number>) =>
      this.onnx.constant(`${s.node}.${what}`, type, what === "weight_q" ? dims : [s.k], v);
    const w = this.onnx.node(
      "DequantizeLinear",
      [
        c("weight_q", "uint8", weights),
        c("weight_scale", "float32", this.weightScales(s)),
        c("weight_zero", "uint8", s.weightZero),
      ],
      [`${s.node}.weight`],
      { attributes: { axis } },
    );
    const inScale = Math.fround(this.plan.tensors[s.input].q.scale);
    const biasScale = Array.from(this.weightScales(s), (ws) => Math.fround(inScale * ws));
    const b = this.onnx.node(
      "DequantizeLinear",
      [
        c("bias_q", "int32", quantizedBias(s, this.plan.tensors[s.input].q.zero)),
        c("bias_scale", "float32", biasScale),
      ],
      [`${s.node}.bias`],
      { attributes: { axis: 0 } },
    );
    const out = s.floatOutput ? s.output : `${s.node}/out`;
    const doc = `${s.fused.join(" + ")}; ${this.note(s.node)}`;
    if (s.dense) {
      this.onnx.node("Gemm", [x, w, b], [out], { name: s.node, doc });
    } else {
      const node = this.#byId.get(s.node) as GraphNode & { op: "conv" | "dwconv" };
      this.onnx.node("Conv", [x, w, b], [out], {
        name: s.node,
        doc,
        attributes: convAttributes(node, s.c),
      });
    }
    this.ranks.set(out, s.dense ? 2 : 4);
    return s.floatOutput ? out : this.quantize(this.relu(out, s), s.output);
  }

  /** The float32 weight scales that give the plan's requantisation factors (see below). */
  weightScales(s: QConvStep): Float32Array {
    let scales = this.#weightScales.get(s);
    if (!scales) {
      const sx = Math.fround(this.plan.tensors[s.input].q.scale);
      const sy = s.floatOutput ? 1 : Math.fround(this.plan.tensors[s.output].q.scale);
      scales = Float32Array.from(
        s.weightScale,
        (ws, co) => matchingWeightScale(ws, sx, sy, s.scale[co], s.floatOutput),
      );
      this.#weightScales.set(s, scales);
    }
    return scales;
  }

  step(s: QStep): void {
    switch (s.op) {
      case "conv":
        this.conv(s);
        return;
      case "add":
      case "concat": {
        const [aq, bq] = this.ranks.merge(
          this.q(s.a),
          this.shape(s.a),
          this.q(s.b),
          this.shape(s.b),
        );
        const a = this.dq(aq, s.a), b = this.dq(bq, s.b);
        const out = `${s.output}/${s.op}`;
        if (s.op === "add") this.onnx.node("Add", [a, b], [out]);
        else this.onnx.node("Concat", [a, b], [out], { attributes: { axis: 1 } });
        this.ranks.set(out, this.ranks.rank(a));
        this.quantize(this.relu(out, s), s.output);
        return;
      }
      case "maxpool":
      case "avgpool": {
        const x = this.dq(this.ranks.spatial(this.q(s.input), this.shape(s.input)), s.input);
        const node = this.#byId.get(s.fused[0]) as GraphNode & { op: "maxpool" | "avgpool" };
        const op = s.op === "maxpool" ? "MaxPool" : "AveragePool";
        let out = this.onnx.node(op, [x], [`${s.output}/pool`], {
          attributes: poolAttributes(node),
        });
        if (s.op === "avgpool") {
          const scale = this.plan.tensors[s.input].q.scale;
          const tieBreak = this.onnx.constant(`${s.output}/tie_break`, "float32", [], [
            Math.fround(scale) / (4 * s.kh * s.kw),
          ]);
          out = this.onnx.node("Add", [out, tieBreak], [`${s.output}/pool_rounded`]);
        }
        this.ranks.set(out, 4);
        this.quantize(out, s.output);
        return;
      }
      case "gap": {
        const x = this.dq(this.ranks.spatial(this.q(s.input), this.shape(s.input)), s.input);
        const out = this.onnx.node("GlobalAveragePool", [x], [`${s.output}/gap`]);
        this.ranks.set(out, 4);
        this.quantize(out, s.output);
        return;
      }
      case "lut": {
        const x = this.dq(this.q(s.input), s.input);
        const head = this.#byId.get(s.fused[0])!;
        let out = x;
        if (head.op === "batchnorm") out = this.batchNorm(head.id, x, `${s.output}/bn`);
        this.ranks.set(out, this.ranks.rank(x));
        this.quantize(this.relu(out, s), s.output);
        return;
      }
      default:
        throw unsupportedOp(this.graph, { id: (s as QStep).output, op: (s as QStep).op });
    }
  }

  batchNorm(id: string, x: string, out: string): string {
    const t = this.#tensors;
    const p = (what: string, v: ArrayLike<number>) =>
      this.onnx.constant(`${id}.${what}`, "float32", [v.length], v);
    return this.onnx.node(
      "BatchNormalization",
      [
        x,
        p("gamma", t.required(id, "gamma")),
        p("beta", t.required(id, "beta")),
        p("running_mean", t.state(id, "running_mean")),
        p("running_var", t.state(id, "running_var")),
      ],
      [out],
      { attributes: { epsilon: { float: BN_EPS } } },
    );
  }
}

/**
 * Adds the 8-bit plan's network to `onnx`, reading the normalised NCHW image `input`;
 * returns the float output tensor (the logits, maybe [N, C, 1, 1]) and the ranks.
 */
export function addQdqNetwork(
  onnx: OnnxGraph,
  model: SavedModel,
  plan: QPlan,
  input: string,
  note: LayerNote,
): { output: string; ranks: Ranks } {
  const w = new QdqWriter(onnx, plan, model, note);
  w.input(plan.graph.nodes[0].id, input);
  for (const s of plan.steps) w.step(s);
  const output = plan.floatOutput ? plan.output : w.dq(w.q(plan.output), plan.output);
  return { output, ranks: w.ranks };
}
