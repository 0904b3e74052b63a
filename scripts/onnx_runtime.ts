/**
 * Running exported ONNX files in ONNX Runtime (npm `onnxruntime-node`, its native addon) and
 * comparing their logits with approxnas's: used by the export tests and
 * scripts/onnx_agreement.ts.
 */
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { onnxInput } from "../src/export/onnx/input.ts";
import { INPUT_NAME, OUTPUT_NAME } from "../src/export/onnx/mod.ts";

const { onnx } = onnxProto;

/** Logits [count][classes] of an ONNX file on CIFAR-10-layout images (one thread default). */
export async function ortLogits(
  bytes: Uint8Array,
  images: Uint8Array,
  count: number,
  { batch = 500, threads = 1 } = {},
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads });
  try {
    const parts: Float32Array[] = [];
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const input = onnxInput(images.subarray(start * 3072, (start + n) * 3072), n);
      const out = await session.run({
        [INPUT_NAME]: new ort.Tensor("float32", input, [n, 3, 32, 32]),
      });
      parts.push(out[OUTPUT_NAME].data as Float32Array);
    }
    const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  } finally {
    await session.release();
  }
}

/** Index of the first largest of each row (as approxnas's argmaxRows). */
export function top1(logits: Float32Array, classes: number): Uint8Array {
  const n = logits.length / classes, out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) {
      if (logits[i * classes + j] > logits[i * classes + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}

export interface Agreement {
  /** Share of images whose top-1 class is the same. */
  top1: number;
  /** Largest |a - b| over all logits, and relative to the largest |logit|. */
  maxAbs: number;
  maxRel: number;
}

export function agreement(a: Float32Array, b: Float32Array, classes: number): Agreement {
  if (a.length !== b.length) throw new Error(`${a.length} logits against ${b.length}`);
  const ta = top1(a, classes), tb = top1(b, classes);
  let same = 0, maxAbs = 0, scale = 0;
  for (let i = 0; i < ta.length; i++) same += ta[i] === tb[i] ? 1 : 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { top1: same / ta.length, maxAbs, maxRel: maxAbs / Math.max(scale, 1e-30) };
}

/**
 * The uint8 tensors `ids` of a QDQ file (approxnas plan tensor ids: the file names them
 * `ID/q`) for `count` images, NCHW, as ONNX Runtime computes them: the file is decoded,
 * given those tensors as extra outputs, and run.
 */
export async function ortTensors(
  bytes: Uint8Array,
  images: Uint8Array,
  count: number,
  ids: string[],
): Promise<Record<string, Uint8Array>> {
  const model = onnx.ModelProto.decode(bytes);
  for (const id of ids) model.graph!.output!.push(onnx.ValueInfoProto.create({ name: `${id}/q` }));
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), {
    intraOpNumThreads: 1,
  });
  try {
    const input = new ort.Tensor("float32", onnxInput(images, count), [count, 3, 32, 32]);
    const out = await session.run({ [INPUT_NAME]: input });
    return Object.fromEntries(ids.map((id) => [id, out[`${id}/q`].data as Uint8Array]));
  } finally {
    await session.release();
  }
}

/** A byte tensor [n][h][w][c] (approxnas) in NCHW order (ONNX). */
export function nhwcToNchw(x: Uint8Array, n: number, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) out[(b * c + ch) * h * w + p] = x[(b * h * w + p) * c + ch];
    }
  }
  return out;
}
