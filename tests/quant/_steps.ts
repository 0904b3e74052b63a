/**
 * Synthetic quantised steps for kernel tests: random weight bytes, zero-points, biases and
 * scales over chosen geometries, run alone through the wasm engine as a one-step plan.
 */
import type { Engine } from "../../src/engine/wasm.ts";
import type { Graph } from "../../src/graph/graph.ts";
import { uniformAssignment } from "../../src/quant/assignment.ts";
import type { QConvStep, QPlan, QStep } from "../../src/quant/plan.ts";
import { type PathChoice, QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { Rng } from "../../src/util/rng.ts";

export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pad: [number, number, number, number];
  dense?: boolean;
  /** A depthwise step: k must equal c. */
  depthwise?: boolean;
  floatOutput?: boolean;
}

export function label(g: ConvGeometry): string {
  if (g.depthwise) {
    return `dw n${g.n} ${g.h}x${g.w}x${g.c} k${g.kh}x${g.kw} s${g.sh},${g.sw} pad ${g.pad}${
      g.floatOutput ? " f32" : ""
    }`;
  }
  return g.dense
    ? `dense n${g.n} ${g.c}->${g.k}${g.floatOutput ? " f32" : ""}`
    : `n${g.n} ${g.h}x${g.w}x${g.c}->${g.k} k${g.kh}x${g.kw} s${g.sh},${g.sw} pad ${g.pad}${
      g.floatOutput ? " f32" : ""
    }`;
}

/** A conv step with random contents; scales put typical outputs across the byte range. */
export function randomConvStep(rng: Rng, g: ConvGeometry, relu: boolean): QConvStep {
  const oh = Math.floor((g.h + g.pad[0] + g.pad[2] - g.kh) / g.sh) + 1;
  const ow = Math.floor((g.w + g.pad[1] + g.pad[3] - g.kw) / g.sw) + 1;
  const taps = g.kh * g.kw * (g.depthwise ? 1 : g.c);
  const zOut = relu ? rng.int(40) : 60 + rng.int(120);
  return {
    op: "conv",
    node: "layer",
    dense: g.dense ?? false,
    ...(g.depthwise ? { depthwise: true } : {}),
    fused: ["layer"],
    input: "input",
    output: "layer",
    h: g.h,
    w: g.w,
    c: g.c,
    k: g.k,
    kh: g.kh,
    kw: g.kw,
    sh: g.sh,
    sw: g.sw,
    pad: g.pad,
    oh,
    ow,
    weights: Uint8Array.from(
      { length: g.kh * g.kw * g.c * (g.depthwise ? 1 : g.k) },
      () => rng.int(256),
    ),
    weightZero: Int32Array.from({ length: g.k }, () => rng.int(256)),
    weightScale: Float64Array.from({ length: g.k }, () => 0.01),
    bias: Int32Array.from({ length: g.k }, () => rng.int(200001) - 100000),
    scale: Float32Array.from({ length: g.k }, () => Math.fround(rng.uniform(0.5, 2) / (taps * 64))),
    zOut,
    lo: relu ? zOut : 0,
    floatOutput: g.floatOutput ?? false,
  };
}

/** A plan holding one step, with the shapes the executor needs. */
export function onePlan(step: QStep, inShape: { h: number; w: number; c: number }, zIn: number) {
  const out = step.op === "conv"
    ? step.dense ? { h: 1, w: 1, c: step.k } : { h: step.oh, w: step.ow, c: step.k }
    : inShape;
  const graph = {
    name: "one-step",
    input: inShape,
    classes: out.h * out.w * out.c,
    nodes: [{ id: "input", op: "input", inputs: [] }],
    output: step.output,
  } as unknown as Graph;
  const plan: QPlan = {
    graph,
    tensors: {
      input: { id: "input", shape: inShape, q: { scale: 0.05, zero: zIn } },
      [step.output]: { id: step.output, shape: out, q: { scale: 0.1, zero: 0 } },
    },
    steps: [step],
    output: step.output,
    floatOutput: step.op === "conv" && step.floatOutput,
    notes: {},
  };
  return plan;
}

/** Runs one conv step in the engine on n inputs; returns its output and the path it took. */
export function runConvStep(
  engine: Engine,
  step: QConvStep,
  x: Uint8Array,
  n: number,
  zIn: number,
  table: Uint16Array,
  path: PathChoice,
  maxStreams = 10,
): { out: Uint8Array | Float32Array; path: string; streams: number } {
  const inShape = step.dense ? { h: 1, w: 1, c: step.c } : { h: step.h, w: step.w, c: step.c };
  const plan = onePlan(step, inShape, zIn);
  const mark = engine.arena.mark();
  try {
    const net = new QuantizedNetwork(engine, plan, uniformAssignment("m", table), {
      batch: n,
      path,
      maxStreams,
    });
    net.inputView(n).set(x);
    net.forward(n);
    const len = n * (step.dense ? step.k : step.oh * step.ow * step.k);
    const p = net.buffers.get(step.output)!;
    const out = step.floatOutput
      ? engine.arena.f32(p, len).slice()
      : engine.arena.u8(p, len).slice();
    return { out, path: net.layers[0].path, streams: net.layers[0].streams };
  } finally {
    engine.arena.release(mark);
  }
}

export function randomBytes(rng: Rng, len: number, zeroFraction = 0): Uint8Array {
  return Uint8Array.from({ length: len }, () => (rng.next() < zeroFraction ? 0 : rng.int(256)));
}

/** First index where two arrays differ, or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(isNaN(a[i]) && isNaN(b[i]))) return i;
  return -1;
}

export function assertSame(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  const i = firstDifference(actual, expected);
  if (i >= 0) {
    throw new Error(
      `${what}: element ${i} is ${actual[i]}, expected ${
        expected[i]
      } (lengths ${actual.length}, ${expected.length})`,
    );
  }
}
