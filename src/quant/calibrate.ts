/**
 * Activation ranges for quantisation, measured by running the float network (batch-norm
 * running statistics, no augmentation) on calibration images, normally the first images of
 * the training set, never test images.
 *
 * Two rules: "minmax" takes the smallest and largest value seen; "percentile" p (e.g. 99.99)
 * takes the values at (100 - p)% and p% of all values seen, clipping rare outliers for a
 * finer step. Percentiles come from a 4096-bin histogram over the min-max range filled in a
 * second pass, so memory does not grow with the number of images; the answer is the upper
 * edge of the bin holding the percentile (lower edge for the low end), conservative by at
 * most 1/4096 of the range.
 */
import { loadEngine } from "../engine/wasm.ts";
import type { Engine } from "../engine/wasm.ts";
import { prepareEvalBatch } from "../train/augment.ts";
import type { SavedModel } from "../model/model_file.ts";
import { Network } from "../train/network.ts";
import { IMAGE_BYTES } from "../data/cifar10/format.ts";

export { inputRange } from "./input.ts";

export type Calibration = { method: "minmax" } | { method: "percentile"; percentile: number };

/** The activation ranges used unless told otherwise: the most accurate setting measured
 * (src/quant/README.md). The search, evaluate, export and the classifier all start from it. */
export const DEFAULT_CALIBRATION = {
  method: "percentile",
  percentile: 99.999,
} as const satisfies Calibration;
/** Calibration images used unless told otherwise (the first N) by evaluate, export and the
 * classifier; the search's presets set their own. */
export const DEFAULT_CALIBRATION_IMAGES = 1000;

export interface Range {
  lo: number;
  hi: number;
}

const BINS = 4096;

/**
 * Ranges of the float outputs of nodes `ids` over the first `count` images of `images`
 * (CIFAR-10 layout, 3072 bytes each).
 */
export async function calibrateRanges(
  model: SavedModel,
  images: Uint8Array,
  count: number,
  ids: string[],
  calibration: Calibration,
  engine?: Engine,
  batch = 100,
): Promise<Map<string, Range>> {
  const available = Math.floor(images.length / IMAGE_BYTES);
  if (count < 1 || count > available) {
    throw new Error(`Calibration needs 1..${available} images, asked for ${count}`);
  }
  const net = new Network(engine ?? await loadEngine(), model.graph, batch);
  net.setParams(model.params);
  net.setState(model.state);
  const plans = ids.map((id) => {
    const p = net.plans.find((q) => q.node.id === id);
    if (!p) throw new Error(`Calibration: node '${id}' is not a live node of the graph`);
    return p;
  });
  const arena = net.engine.arena;
  const labels = new Uint8Array(available);
  const pass = (visit: (j: number, values: Float32Array) => void) => {
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const s = model.graph.input;
      prepareEvalBatch(
        { images, labels },
        Array.from({ length: n }, (_, i) => start + i),
        { images: arena.f32(net.input, n * s.h * s.w * s.c), labels: arena.i32(net.labels, n) },
      );
      net.forward(n, false);
      plans.forEach((p, j) => visit(j, arena.f32(p.out, n * p.size)));
    }
  };
  const lo = new Float64Array(ids.length).fill(Infinity);
  const hi = new Float64Array(ids.length).fill(-Infinity);
  pass((j, v) => {
    let a = lo[j], b = hi[j];
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x < a) a = x;
      if (x > b) b = x;
    }
    lo[j] = a;
    hi[j] = b;
  });
  const ranges = new Map<string, Range>();
  if (calibration.method === "minmax") {
    ids.forEach((id, j) => ranges.set(id, { lo: lo[j], hi: hi[j] }));
    return ranges;
  }
  const p = calibration.percentile;
  if (!(p > 50 && p <= 100)) {
    throw new Error(`Calibration percentile must be in (50, 100], found ${p}`);
  }
  const hist = ids.map(() => new Float64Array(BINS));
  pass((j, v) => {
    const h = hist[j], a = lo[j], width = (hi[j] - a) / BINS || 1;
    for (let i = 0; i < v.length; i++) h[Math.min(BINS - 1, Math.floor((v[i] - a) / width))]++;
  });
  ids.forEach((id, j) => {
    const h = hist[j], width = (hi[j] - lo[j]) / BINS;
    const total = h.reduce((s, x) => s + x, 0);
    const tail = total * (1 - p / 100);
    let below = 0, first = 0;
    while (first < BINS - 1 && below + h[first] <= tail) below += h[first++];
    let above = 0, last = BINS - 1;
    while (last > 0 && above + h[last] <= tail) above += h[last--];
    ranges.set(id, { lo: lo[j] + first * width, hi: lo[j] + (last + 1) * width });
  });
  return ranges;
}
