/**
 * Runs a quantised plan on one engine instance: places every tensor, table and packed weight
 * in the engine's memory once, then calls the 8-bit kernels step by step. Each conv/dense
 * step takes one of three paths, all giving the same bits:
 * - "dot": exact int16 dot products, when the multiplier's table decomposes into few enough
 *   streams (pack.ts); the fastest.
 * - "rows": the table pre-gathered by the layer's weights (one 16-byte load per tap and 8
 *   channels); works for any table; costs 512 bytes of memory per weight.
 * - "table": one scalar look-up per product; the baseline.
 */
import type { Engine } from "../engine/wasm.ts";
import { type MultiplierAssignment, multiplierOf, prepareAssignment } from "./assignment.ts";
import { encodeImages, inputTable } from "./input.ts";
import {
  type DotLayerData,
  type KernelTable,
  kernelTable,
  packDotLayer,
  packTableLayer,
  round8,
  type TableLayerData,
} from "./pack.ts";
import type { QConvStep, QPlan, QStep } from "./plan.ts";
import { type QKernels, quantKernels } from "./qkernels.ts";

export type PathChoice = "auto" | "table" | "rows" | "dot";

export interface QuantizedNetworkOptions {
  /** Samples per forward pass (buffers are sized for it). */
  batch: number;
  /** "auto": dot path where possible, else rows; "table", "rows": always that path;
   * "dot": fail where impossible. */
  path?: PathChoice;
  /** Most dot-product streams a layer may take before it falls back to the table. */
  maxStreams?: number;
}

/** How one conv/dense layer runs. */
export interface LayerRun {
  node: string;
  multiplier: string;
  path: "table" | "rows" | "dot";
  /** Dot path: number of int16 streams (1 for the exact multiplier). */
  streams: number;
}

interface ConvPlacement {
  step: QConvStep;
  run: LayerRun;
  /** Padded input: u8 (table) or one int16 tensor per distinct f (dot). */
  padded: number[];
  luts: number[];
  /** Stream descriptors (dot) */
  desc: number;
  /** Dot path: the int16 input whose window sums meet zw (0: none), and the ones row. */
  asumF: number;
  ones: number;
  table: number;
  rows: number;
  weights: number;
  zw: number;
  bias: number;
  scale: number;
  skipZero: boolean;
  hp: number;
  wp: number;
  needsPad: boolean;
}

/** The default limit of dot streams: beyond it the table path is faster (bench/quant_bench). */
export const DEFAULT_MAX_STREAMS = 3;

export class QuantizedNetwork {
  readonly k: QKernels;
  readonly layers: LayerRun[] = [];
  /** Byte tensors by id ([batch][...]); the output may be float. */
  readonly buffers = new Map<string, number>();
  readonly inputTable: Uint8Array;
  #convs = new Map<QStep, ConvPlacement>();
  #luts = new Map<QStep, number[]>();
  #scratch: number;

  constructor(
    readonly engine: Engine,
    readonly plan: QPlan,
    assignment: MultiplierAssignment,
    readonly opts: QuantizedNetworkOptions,
  ) {
    this.k = quantKernels(engine);
    const arena = engine.arena;
    const batch = opts.batch;
    const path = opts.path ?? "auto";
    const maxStreams = opts.maxStreams ?? DEFAULT_MAX_STREAMS;
    prepareAssignment(assignment);
    const inputId = plan.graph.nodes[0].id;
    this.inputTable = inputTable(plan.tensors[inputId].q);

    const size = (id: string) => {
      const s = plan.tensors[id].shape;
      return s.h * s.w * s.c;
    };
    this.buffers.set(inputId, arena.alloc(batch * size(inputId)));
    for (const s of plan.steps) {
      const floatOut = s.op === "conv" && s.floatOutput;
      this.buffers.set(s.output, arena.alloc(batch * size(s.output) * (floatOut ? 4 : 1)));
    }

    const tables = new Map<string, { at: number; kt: KernelTable }>();
    const tableAt = (name: string) => {
      let t = tables.get(name);
      if (t === undefined) {
        const kt = kernelTable(assignment.tables[name]);
        const at = arena.alloc(131072);
        new Uint16Array(engine.kernels.memory.buffer, at, 65536).set(kt.table);
        t = { at, kt };
        tables.set(name, t);
      }
      return t;
    };
    let scratchBytes = 16;
    const putI16 = (a: Int16Array) => {
      const p = arena.alloc(a.length * 2);
      new Int16Array(engine.kernels.memory.buffer, p, a.length).set(a);
      return p;
    };
    const putU8 = (a: Uint8Array) => {
      const p = arena.alloc(a.length);
      arena.u8(p, a.length).set(a);
      return p;
    };

    for (const s of plan.steps) {
      if (s.op === "lut") this.#luts.set(s, [putU8(s.lut)]);
      if (s.op === "concat") this.#luts.set(s, [putU8(s.lutA), putU8(s.lutB)]);
      if (s.op !== "conv") continue;
      const name = multiplierOf(assignment, s.node);
      const table = assignment.tables[name];
      if (!table) throw new Error(`No product table for multiplier '${name}' (layer '${s.node}')`);
      const dec = assignment.decompositions[name];
      let dot: DotLayerData | null = null;
      if ((path === "auto" || path === "dot") && dec) dot = packDotLayer(s, dec, maxStreams);
      if (path === "dot" && !dot) {
        throw new Error(
          `Layer '${s.node}': multiplier '${name}' has no dot-product form within ${maxStreams} streams`,
        );
      }
      const [pt, pl, pb, pr] = s.pad;
      const hp = s.h + pt + pb, wp = s.w + pl + pr;
      const needsPad = pt + pl + pb + pr > 0;
      // dense: one 1 x batch "image" of c channels
      const paddedElems = s.dense ? batch * s.c : batch * hp * wp * s.c;
      const place: ConvPlacement = {
        step: s,
        run: {
          node: s.node,
          multiplier: name,
          path: dot ? "dot" : path === "table" ? "table" : "rows",
          streams: 0,
        },
        padded: [],
        luts: [],
        desc: 0,
        asumF: 0,
        ones: 0,
        table: 0,
        rows: 0,
        weights: 0,
        zw: 0,
        bias: 0,
        scale: 0,
        skipZero: false,
        hp,
        wp,
        needsPad,
      };
      if (dot) {
        place.run.streams = dot.streams.length;
        // One int16 input per distinct f; streams point at theirs.
        const fKeys: (Int16Array | null)[] = [];
        const input = (lut: Int16Array | null) => {
          let i = fKeys.findIndex((f) => sameLut(f, lut));
          if (i < 0) {
            i = fKeys.length;
            fKeys.push(lut);
            place.padded.push(arena.alloc(paddedElems * 2 + 16));
            place.luts.push(lut ? putI16(lut) : 0);
          }
          return place.padded[i];
        };
        const desc: number[] = [];
        for (const st of dot.streams) desc.push(input(st.lut), putI16(st.weights));
        place.desc = arena.putI32(desc);
        place.bias = arena.putI32(dot.bias);
        place.scale = arena.putF32(dot.scale);
        if (dot.asum) {
          place.asumF = input(null);
          place.ones = putI16(dot.ones);
          place.zw = arena.putI32(dot.zw);
        }
      } else {
        const kt = tableAt(name);
        const t: TableLayerData = packTableLayer(s, kt.kt);
        const kp = round8(s.k);
        place.table = kt.at;
        place.skipZero = t.skipZero;
        place.zw = arena.putI32(padTo(s.weightZero, kp));
        place.bias = arena.putI32(padTo(t.bias, kp));
        place.scale = arena.putF32(padTo(s.scale, kp));
        if (needsPad) place.padded.push(arena.alloc(paddedElems));
        scratchBytes = Math.max(scratchBytes, 12 * s.kh * s.kw * s.c);
        if (place.run.path === "table") {
          place.weights = putU8(t.weights);
        } else {
          const taps = s.kh * s.kw * s.c;
          place.rows = arena.alloc(taps * 256 * kp * 2);
          const mark = arena.mark(); // the weight bytes are needed only while gathering
          this.k.q8_gather_rows(place.table, putU8(s.weights), place.rows, taps, s.k);
          arena.release(mark);
        }
      }
      this.layers.push(place.run);
      this.#convs.set(s, place);
    }
    this.#scratch = arena.alloc(scratchBytes);
  }

  /** The input tensor ([batch][h][w][c] bytes, encoded); a fresh view. */
  inputView(n: number): Uint8Array {
    const id = this.plan.graph.nodes[0].id;
    const s = this.plan.tensors[id].shape;
    return this.engine.arena.u8(this.buffers.get(id)!, n * s.h * s.w * s.c);
  }

  /** Encodes CIFAR-10 images start..start+n-1 into the input tensor. */
  loadImages(images: Uint8Array, start: number, n: number): void {
    this.#check(n);
    encodeImages(images, start, n, this.inputTable, this.inputView(n));
  }

  /** Runs every step on the first n samples of the input tensor. */
  forward(n: number): void {
    this.#check(n);
    const k = this.k, t = this.plan.tensors, buf = (id: string) => this.buffers.get(id)!;
    for (const s of this.plan.steps) {
      switch (s.op) {
        case "conv":
          this.#conv(this.#convs.get(s)!, n);
          break;
        case "add": {
          const sh = t[s.output].shape;
          k.q8_add(
            buf(s.a),
            buf(s.b),
            buf(s.output),
            n * sh.h * sh.w * sh.c,
            t[s.a].q.zero,
            t[s.b].q.zero,
            s.ka,
            s.kb,
            s.zOut,
            s.lo,
          );
          break;
        }
        case "maxpool":
        case "avgpool": {
          const x = t[s.input].shape, y = t[s.output].shape;
          const fn = s.op === "maxpool" ? k.q8_maxpool : k.q8_avgpool;
          fn(
            buf(s.input),
            buf(s.output),
            n,
            x.h,
            x.w,
            x.c,
            s.kh,
            s.kw,
            s.sh,
            s.sw,
            s.pad[0],
            s.pad[1],
            y.h,
            y.w,
            t[s.input].q.zero,
          );
          break;
        }
        case "gap": {
          const x = t[s.input].shape;
          k.q8_gap(buf(s.input), buf(s.output), n, x.h * x.w, x.c, t[s.input].q.zero, s.k, s.zOut);
          break;
        }
        case "lut": {
          const x = t[s.input].shape;
          k.q8_lut_channels(buf(s.input), this.#luts.get(s)![0], buf(s.output), n * x.h * x.w, x.c);
          break;
        }
        case "concat": {
          const a = t[s.a].shape, b = t[s.b].shape;
          const [la, lb] = this.#luts.get(s)!;
          k.q8_concat(buf(s.a), buf(s.b), la, lb, buf(s.output), n * a.h * a.w, a.c, b.c);
          break;
        }
      }
    }
  }

  #conv(p: ConvPlacement, n: number): void {
    const k = this.k, s = p.step;
    const x = this.buffers.get(s.input)!, y = this.buffers.get(s.output)!;
    const zIn = this.plan.tensors[s.input].q.zero;
    const [pt, pl, pb, pr] = s.pad;
    const out32 = s.floatOutput ? 1 : 0;
    if (p.run.path === "dot") {
      for (let i = 0; i < p.padded.length; i++) {
        if (s.dense) k.q8_pad_lut_i16(x, p.luts[i], p.padded[i], 1, 1, n, s.c, 0, 0, 0, 0, zIn);
        else k.q8_pad_lut_i16(x, p.luts[i], p.padded[i], n, s.h, s.w, s.c, pt, pl, pb, pr, zIn);
      }
      const ns = p.run.streams;
      if (s.dense) {
        k.q8_dense_dot(
          p.desc,
          ns,
          p.asumF,
          p.ones,
          p.zw,
          p.bias,
          p.scale,
          y,
          n,
          s.c,
          s.k,
          s.zOut,
          s.lo,
          out32,
        );
      } else {
        k.q8_conv2d_dot(
          p.desc,
          ns,
          p.asumF,
          p.ones,
          p.zw,
          p.bias,
          p.scale,
          y,
          n,
          p.hp,
          p.wp,
          s.c,
          s.k,
          s.kh,
          s.kw,
          s.sh,
          s.sw,
          s.oh,
          s.ow,
          s.zOut,
          s.lo,
          out32,
        );
      }
      return;
    }
    const skip = p.skipZero ? 1 : 0;
    if (p.run.path === "rows") {
      let src = x, hp = p.hp, wp = p.wp, nImg = n;
      if (s.dense) [hp, wp, nImg] = [1, n, 1];
      else if (p.needsPad) {
        src = p.padded[0];
        k.q8_pad(x, src, n, s.h, s.w, s.c, pt, pl, pb, pr, zIn);
      }
      k.q8_conv2d_rows(
        src,
        p.rows,
        p.zw,
        p.bias,
        p.scale,
        y,
        this.#scratch,
        nImg,
        hp,
        wp,
        s.c,
        s.k,
        s.kh,
        s.kw,
        s.sh,
        s.sw,
        s.dense ? 1 : s.oh,
        s.dense ? n : s.ow,
        s.zOut,
        s.lo,
        out32,
        skip,
      );
      return;
    }
    if (s.dense) {
      k.q8_dense_table(
        x,
        p.table,
        p.weights,
        p.zw,
        p.bias,
        p.scale,
        y,
        this.#scratch,
        n,
        s.c,
        s.k,
        s.zOut,
        s.lo,
        out32,
        skip,
      );
      return;
    }
    let src = x;
    if (p.needsPad) {
      src = p.padded[0];
      k.q8_pad(x, src, n, s.h, s.w, s.c, pt, pl, pb, pr, zIn);
    }
    k.q8_conv2d_table(
      src,
      p.table,
      p.weights,
      p.zw,
      p.bias,
      p.scale,
      y,
      this.#scratch,
      n,
      p.hp,
      p.wp,
      s.c,
      s.k,
      s.kh,
      s.kw,
      s.sh,
      s.sw,
      s.oh,
      s.ow,
      s.zOut,
      s.lo,
      out32,
      skip,
    );
  }

  /** Float logits [n][classes] of the last forward pass (a copy). */
  logits(n: number): Float32Array {
    const id = this.plan.output, classes = this.plan.graph.classes;
    const p = this.buffers.get(id)!;
    if (this.plan.floatOutput) return this.engine.arena.f32(p, n * classes).slice();
    const q = this.plan.tensors[id].q;
    return Float32Array.from(this.engine.arena.u8(p, n * classes), (v) => q.scale * (v - q.zero));
  }

  /** A tensor's bytes after the last forward pass (a copy). */
  tensor(id: string, n: number): Uint8Array {
    const s = this.plan.tensors[id].shape;
    return this.engine.arena.u8(this.buffers.get(id)!, n * s.h * s.w * s.c).slice();
  }

  #check(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.opts.batch) {
      throw new Error(`Quantised network: batch of ${n} samples, expected 1..${this.opts.batch}`);
    }
  }
}

function padTo<T extends Int32Array | Float32Array>(a: T, len: number): T {
  const out = new (a.constructor as { new (n: number): T })(len);
  out.set(a);
  return out;
}

function sameLut(a: Int16Array | null, b: Int16Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Index of the largest logit of each of n rows. */
export function argmaxRows(logits: Float32Array, n: number, classes: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) {
      if (logits[i * classes + j] > logits[i * classes + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}
