/**
 * Speed of the float32 convolution kernels on the ResNet-8/20 CIFAR-10 shapes (NHWC, "same"
 * padding as the graph builder makes it): milliseconds and GFLOP/s (2 * MACs of the direct
 * method) per pass; for the 3x3 stride-1 shapes also the Winograd kernels, timed side by side
 * with the direct ones (the machine is shared, so only same-run ratios mean much).
 *
 *   deno run --allow-read bench/conv2d_bench.ts [--batch 128] [--reps 3]
 */
import process from "node:process";
import { loadEngine } from "../src/engine/wasm.ts";
import {
  conv2dArgs,
  conv2dLabel,
  conv2dMacs,
  type Conv2dShape,
  convOutSize,
} from "../src/reference/conv2d.ts";
import { Rng } from "../src/util/rng.ts";

/** One benchmarked layer shape and how often ResNet-8 uses it. */
export interface ConvBenchLayer {
  name: string;
  shape: Conv2dShape;
  /** Convolutions of this shape in ResNet-8. */
  inResnet8: number;
  /** False for the first layer: nothing needs the gradient of the image. */
  needsDx: boolean;
}

/**
 * Timings of one shape: the best of the repetitions, in milliseconds of this process's CPU
 * time (the kernels are single-threaded; on a shared machine wall time mostly measures the
 * neighbours).
 */
export interface ConvBenchRow {
  name: string;
  label: string;
  flopsPerPass: number;
  fwdMs: number;
  bwdInputMs: number;
  bwdWeightsMs: number;
  inResnet8: number;
  needsDx: boolean;
  /** The Winograd kernels' times, for the shapes Network runs on them. */
  winograd?: { fwdMs: number; bwdInputMs: number; bwdWeightsMs: number };
}

export interface ConvBenchOptions {
  batch?: number;
  reps?: number;
  /** Called with each row as soon as it is measured. */
  onRow?: (row: ConvBenchRow) => void;
}

function sameConv(n: number, size: number, c: number, k: number, kernel: number, stride: number) {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  const o = convOutSize(size, kernel, stride, before, total - before);
  const s: Conv2dShape = {
    n,
    h: size,
    w: size,
    c,
    k,
    kh: kernel,
    kw: kernel,
    sh: stride,
    sw: stride,
    pt: before,
    pl: before,
    oh: o,
    ow: o,
  };
  return s;
}

/** Whether Network runs this shape on the Winograd kernels (src/train/network.ts). */
function usesWinograd(s: Conv2dShape): boolean {
  return s.kh === 3 && s.kw === 3 && s.sh === 1 && s.sw === 1 && s.c >= 8 && s.oh >= 4 &&
    s.ow >= 4;
}

/** The distinct convolution shapes of ResNet-8/20 at the given batch. */
export function resnetConvLayers(batch: number): ConvBenchLayer[] {
  const layer = (
    name: string,
    size: number,
    c: number,
    k: number,
    kernel: number,
    stride: number,
    inResnet8: number,
    needsDx = true,
  ) => ({ name, shape: sameConv(batch, size, c, k, kernel, stride), inResnet8, needsDx });
  return [
    layer("conv1 3->16", 32, 3, 16, 3, 1, 1, false),
    layer("16->16", 32, 16, 16, 3, 1, 2),
    layer("16->32 s2", 32, 16, 32, 3, 2, 1),
    layer("32->32", 16, 32, 32, 3, 1, 1),
    layer("32->64 s2", 16, 32, 64, 3, 2, 1),
    layer("64->64", 8, 64, 64, 3, 1, 1),
    layer("proj 16->32 1x1 s2", 32, 16, 32, 1, 2, 1),
    layer("proj 32->64 1x1 s2", 16, 32, 64, 1, 2, 1),
  ];
}

function fill(rng: Rng, a: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
}

/** Times fwd, bwd_input and bwd_weights on every ResNet conv shape (one warm-up call each). */
export async function benchConv2d(opts: ConvBenchOptions = {}): Promise<ConvBenchRow[]> {
  const batch = opts.batch ?? 128;
  const reps = opts.reps ?? 3;
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(1);
  const rows: ConvBenchRow[] = [];
  for (const layer of resnetConvLayers(batch)) {
    const s = layer.shape;
    const mark = arena.mark();
    const xLen = s.n * s.h * s.w * s.c, wLen = s.kh * s.kw * s.c * s.k;
    const yLen = s.n * s.oh * s.ow * s.k;
    const x = arena.allocF32(xLen), w = arena.allocF32(wLen), bias = arena.allocF32(s.k);
    const y = arena.allocF32(yLen), dy = arena.allocF32(yLen), dx = arena.allocF32(xLen);
    const dw = arena.allocF32(wLen), db = arena.allocF32(s.k), scratch = arena.allocF32(wLen);
    const winograd = usesWinograd(s);
    const wino = winograd ? arena.allocF32(kernels.f32_conv3x3s1_winograd_scratch(s.c, s.k)) : 0;
    fill(rng, arena.f32(x, xLen));
    fill(rng, arena.f32(w, wLen));
    fill(rng, arena.f32(bias, s.k));
    fill(rng, arena.f32(dy, yLen));
    const g = conv2dArgs(s) as Parameters<typeof kernels.f32_conv2d_fwd> extends
      [number, number, number, number, ...infer R] ? R : never;
    const wg = [s.n, s.h, s.w, s.c, s.k, s.pt, s.pl, s.oh, s.ow] as const;
    // Each pass: its direct run and (where it applies) its Winograd run alternate, so that
    // both see the same machine.
    const time = (...runs: Array<() => void>) => {
      for (const run of runs) run(); // warm-up: lets the engine tier up to optimised code
      const best = runs.map(() => Infinity);
      for (let r = 0; r < reps; r++) {
        runs.forEach((run, i) => {
          const t0 = process.cpuUsage();
          run();
          const t = process.cpuUsage(t0);
          best[i] = Math.min(best[i], (t.user + t.system) / 1000);
        });
      }
      return best;
    };
    const fwd = time(
      () => kernels.f32_conv2d_fwd(x, w, bias, y, ...g),
      ...(winograd ? [() => kernels.f32_conv3x3s1_fwd_winograd(x, w, bias, y, wino, ...wg)] : []),
    );
    const bwdInput = time(
      () => kernels.f32_conv2d_bwd_input(dy, w, dx, scratch, ...g),
      ...(winograd ? [() => kernels.f32_conv3x3s1_bwd_input_winograd(dy, w, dx, wino, ...wg)] : []),
    );
    const bwdWeights = time(
      () => kernels.f32_conv2d_bwd_weights(x, dy, dw, db, ...g),
      ...(winograd
        ? [() => kernels.f32_conv3x3s1_bwd_weights_winograd(x, dy, dw, db, wino, ...wg)]
        : []),
    );
    const row: ConvBenchRow = {
      name: layer.name,
      label: conv2dLabel(s),
      flopsPerPass: 2 * conv2dMacs(s),
      fwdMs: fwd[0],
      bwdInputMs: bwdInput[0],
      bwdWeightsMs: bwdWeights[0],
      inResnet8: layer.inResnet8,
      needsDx: layer.needsDx,
      winograd: winograd
        ? { fwdMs: fwd[1], bwdInputMs: bwdInput[1], bwdWeightsMs: bwdWeights[1] }
        : undefined,
    };
    opts.onRow?.(row);
    rows.push(row);
    arena.release(mark);
  }
  return rows;
}

function gflops(flops: number, ms: number): string {
  return (flops / ms / 1e6).toFixed(1).padStart(6);
}

function formatRow(r: ConvBenchRow): string {
  const pass = (ms: number) => `${ms.toFixed(1).padStart(8)} ms ${gflops(r.flopsPerPass, ms)}`;
  const line = `${r.name.padEnd(20)} ${pass(r.fwdMs)} ${pass(r.bwdInputMs)} ${
    pass(r.bwdWeightsMs)
  }`;
  const wi = r.winograd;
  if (!wi) return line;
  const ratio = (direct: number, ms: number) => `(x${(direct / ms).toFixed(2)})`.padStart(18);
  return `${line}\n${"  winograd".padEnd(20)} ${pass(wi.fwdMs)} ${pass(wi.bwdInputMs)} ${
    pass(wi.bwdWeightsMs)
  }\n${"".padEnd(20)} ${ratio(r.fwdMs, wi.fwdMs)} ${ratio(r.bwdInputMs, wi.bwdInputMs)} ${
    ratio(r.bwdWeightsMs, wi.bwdWeightsMs)
  }`;
}

/**
 * ResNet-8's conv time per batch (each shape times its count; no dx for the first layer),
 * with the direct kernels, or with the kernels Network picks when `winograd` is set.
 */
export function resnet8Total(
  rows: ConvBenchRow[],
  winograd = false,
): { ms: number; flops: number } {
  let ms = 0, flops = 0;
  for (const r of rows) {
    const passes = r.needsDx ? 3 : 2;
    const t = winograd && r.winograd ? r.winograd : r;
    ms += r.inResnet8 * (t.fwdMs + t.bwdWeightsMs + (r.needsDx ? t.bwdInputMs : 0));
    flops += r.inResnet8 * passes * r.flopsPerPass;
  }
  return { ms, flops };
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  };
  const batch = arg("batch", 128);
  console.log(`conv2d f32, batch ${batch}: CPU ms and GFLOP/s (best of reps)`);
  console.log(
    `${"layer".padEnd(20)} ${"fwd".padStart(18)} ${"bwd_input".padStart(18)} ${
      "bwd_weights".padStart(18)
    }`,
  );
  const rows = await benchConv2d({
    batch,
    reps: arg("reps", 3),
    onRow: (r) => console.log(formatRow(r)),
  });
  let ms = 0, flops = 0;
  for (const r of rows) {
    ms += r.fwdMs + r.bwdInputMs + r.bwdWeightsMs;
    flops += 3 * r.flopsPerPass;
  }
  console.log(`all shapes, 3 passes: ${ms.toFixed(1)} ms, ${gflops(flops, ms).trim()} GFLOP/s`);
  for (const winograd of [false, true]) {
    const r8 = resnet8Total(rows, winograd);
    console.log(
      `ResNet-8 convs per batch, ${winograd ? "as Network runs them" : "direct kernels"}: ` +
        `${r8.ms.toFixed(1)} ms, ${gflops(r8.flops, r8.ms).trim()} GFLOP/s (direct-method ` +
        `FLOPs; ${(batch / r8.ms * 1000).toFixed(0)} images/s for the convolutions alone)`,
    );
  }
}
