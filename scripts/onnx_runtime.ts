/**
 * Running exported ONNX files in ONNX Runtime (npm `onnxruntime-node`, its native addon) and
 * comparing their logits with approxnas's: used by the export tests and
 * scripts/onnx_agreement.ts.
 */
import * as ort from "onnxruntime-node";
import { onnxInput } from "../src/export/onnx/input.ts";
import { INPUT_NAME, OUTPUT_NAME } from "../src/export/onnx/mod.ts";

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
