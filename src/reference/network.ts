/**
 * A plain float64 executor of a graph in training mode, built from the reference kernels:
 * the oracle for src/train/network.ts (wasm), and itself checked by finite differences.
 */
import { type Graph, inferShapes, type TensorShape } from "../graph/graph.ts";
import { paramLayout } from "../train/layout.ts";
import {
  conv2dBackwardInputRef,
  conv2dBackwardWeightsRef,
  conv2dForwardRef,
  type Conv2dShape,
} from "./conv2d.ts";
import { batchnormBackwardRef, batchnormForwardTrainRef } from "./batchnorm.ts";
import {
  addRef,
  concatBackwardRef,
  concatForwardRef,
  reluBackwardRef,
  reluForwardRef,
} from "./elementwise.ts";
import {
  avgPoolBackwardRef,
  avgPoolForwardRef,
  gapBackwardRef,
  gapForwardRef,
  maxPoolBackwardRef,
  maxPoolForwardRef,
  type PoolShape,
} from "./pool.ts";
import { denseBackwardRef, denseForwardRef } from "./dense.ts";
import { softmaxXentRef } from "./loss.ts";

export interface ReferenceResult {
  loss: number;
  logits: Float64Array;
  /** d loss / d params, in layout order. */
  grads: Float64Array;
}

/** Mean softmax cross-entropy of the graph on x (NHWC, n samples) and its parameter gradient. */
export function referenceLossAndGrads(
  graph: Graph,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
): ReferenceResult {
  const shapes = inferShapes(graph);
  const layout = paramLayout(graph);
  const slot = (id: string, name: string) => {
    const s = layout.params.find((t) => t.node === id && t.name === name);
    return s
      ? Array.prototype.slice.call(params, s.offset, s.offset + s.length) as number[]
      : undefined;
  };
  const out = new Map<string, Float64Array>();
  const saved = new Map<
    string,
    { mean?: Float64Array; invstd?: Float64Array; argmax?: Int32Array }
  >();
  const shapeOf = (id: string): TensorShape => shapes.get(id)!;
  const convShape = (
    node: Graph["nodes"][number] & { kernel: [number, number] },
    inC: number,
  ): Conv2dShape => {
    const xs = shapeOf(node.inputs[0]), ys = shapeOf(node.id);
    return {
      n,
      h: xs.h,
      w: xs.w,
      c: inC,
      k: ys.c,
      kh: node.kernel[0],
      kw: node.kernel[1],
      sh: (node as { stride: [number, number] }).stride[0],
      sw: (node as { stride: [number, number] }).stride[1],
      pt: (node as { pad: number[] }).pad[0],
      pl: (node as { pad: number[] }).pad[1],
      oh: ys.h,
      ow: ys.w,
    };
  };

  for (const node of graph.nodes) {
    const a = node.inputs.length ? out.get(node.inputs[0])! : undefined;
    const s = shapeOf(node.id);
    const rows = n * s.h * s.w;
    switch (node.op) {
      case "input":
        out.set(node.id, Float64Array.from(x));
        break;
      case "conv":
        out.set(
          node.id,
          conv2dForwardRef(
            convShape(node, shapeOf(node.inputs[0]).c),
            a!,
            slot(node.id, "weight")!,
            slot(node.id, "bias"),
          ),
        );
        break;
      case "batchnorm": {
        const c = s.c;
        const r = batchnormForwardTrainRef(
          a!,
          slot(node.id, "gamma")!,
          slot(node.id, "beta")!,
          new Float64Array(c),
          new Float64Array(c).fill(1),
          rows,
          c,
          0.1,
          1e-5,
        );
        out.set(node.id, r.y);
        saved.set(node.id, { mean: r.mean, invstd: r.invstd });
        break;
      }
      case "relu":
        out.set(node.id, reluForwardRef(a!));
        break;
      case "maxpool": {
        const r = maxPoolForwardRef(a!, convShape(node, s.c) as PoolShape);
        out.set(node.id, r.y);
        saved.set(node.id, { argmax: r.argmax });
        break;
      }
      case "avgpool":
        out.set(node.id, avgPoolForwardRef(a!, convShape(node, s.c) as PoolShape));
        break;
      case "gap": {
        const xs = shapeOf(node.inputs[0]);
        out.set(node.id, gapForwardRef(a!, n, xs.h * xs.w, xs.c));
        break;
      }
      case "dense": {
        const xs = shapeOf(node.inputs[0]);
        out.set(
          node.id,
          denseForwardRef(
            a!,
            slot(node.id, "weight")!,
            slot(node.id, "bias")!,
            n,
            xs.h * xs.w * xs.c,
            node.units,
          ),
        );
        break;
      }
      case "add":
        out.set(node.id, addRef(a!, out.get(node.inputs[1])!));
        break;
      case "concat":
        out.set(
          node.id,
          concatForwardRef(
            a!,
            out.get(node.inputs[1])!,
            rows,
            shapeOf(node.inputs[0]).c,
            shapeOf(node.inputs[1]).c,
          ),
        );
        break;
    }
  }

  const logits = out.get(graph.output)!;
  const { loss, dlogits } = softmaxXentRef(logits, labels, n, graph.classes);
  const grads = new Float64Array(layout.paramCount);
  const put = (id: string, name: string, g: ArrayLike<number>) => {
    const s = layout.params.find((t) => t.node === id && t.name === name);
    if (s) { for (let i = 0; i < s.length; i++) grads[s.offset + i] += g[i]; }
  };
  const dOut = new Map<string, Float64Array>([[graph.output, dlogits]]);
  const accumulate = (id: string, g: Float64Array) => {
    const have = dOut.get(id);
    if (!have) dOut.set(id, g);
    else for (let i = 0; i < g.length; i++) have[i] += g[i];
  };

  for (let i = graph.nodes.length - 1; i > 0; i--) {
    const node = graph.nodes[i];
    const dy = dOut.get(node.id);
    if (!dy) continue;
    const a = node.inputs.length ? out.get(node.inputs[0])! : new Float64Array();
    const s = shapeOf(node.id);
    const rows = n * s.h * s.w;
    switch (node.op) {
      case "conv": {
        const cs = convShape(node, shapeOf(node.inputs[0]).c);
        const r = conv2dBackwardWeightsRef(cs, a, dy);
        put(node.id, "weight", r.dw);
        put(node.id, "bias", r.dbias);
        accumulate(node.inputs[0], conv2dBackwardInputRef(cs, dy, slot(node.id, "weight")!));
        break;
      }
      case "batchnorm": {
        const sv = saved.get(node.id)!;
        const r = batchnormBackwardRef(
          a,
          dy,
          slot(node.id, "gamma")!,
          sv.mean!,
          sv.invstd!,
          rows,
          s.c,
        );
        put(node.id, "gamma", r.dgamma);
        put(node.id, "beta", r.dbeta);
        accumulate(node.inputs[0], r.dx);
        break;
      }
      case "relu":
        accumulate(node.inputs[0], reluBackwardRef(out.get(node.id)!, dy));
        break;
      case "maxpool":
        accumulate(node.inputs[0], maxPoolBackwardRef(dy, saved.get(node.id)!.argmax!, a.length));
        break;
      case "avgpool":
        accumulate(node.inputs[0], avgPoolBackwardRef(dy, convShape(node, s.c) as PoolShape));
        break;
      case "gap": {
        const xs = shapeOf(node.inputs[0]);
        accumulate(node.inputs[0], gapBackwardRef(dy, n, xs.h * xs.w, xs.c));
        break;
      }
      case "dense": {
        const xs = shapeOf(node.inputs[0]);
        const r = denseBackwardRef(
          a,
          slot(node.id, "weight")!,
          dy,
          n,
          xs.h * xs.w * xs.c,
          node.units,
        );
        put(node.id, "weight", r.dw);
        put(node.id, "bias", r.dbias);
        accumulate(node.inputs[0], r.dx);
        break;
      }
      case "add":
        accumulate(node.inputs[0], dy.slice());
        accumulate(node.inputs[1], dy.slice());
        break;
      case "concat": {
        const r = concatBackwardRef(dy, rows, shapeOf(node.inputs[0]).c, shapeOf(node.inputs[1]).c);
        accumulate(node.inputs[0], r.da);
        accumulate(node.inputs[1], r.db);
        break;
      }
    }
  }
  return { loss, logits, grads };
}
