/**
 * Runs a quantised plan on one engine instance: places every tensor and table in the engine's
 * memory once, then calls the 8-bit kernels step by step. Each conv/dense step is an operator
 * of one of three paths (src/quant/paths/), all giving the same bits:
 * - "dot": exact int16 dot products, when the multiplier's table decomposes into few enough
 *   streams (pack.ts); the fastest.
 * - "rows": the table pre-gathered by the layer's weights (one 16-byte load per tap and 8
 *   channels); works for any table; costs 512 bytes of memory per weight.
 * - "table": one scalar look-up per product; the baseline.
 */
import type { Engine } from "../engine/wasm.ts";
import { layerMultiplier, type MultiplierAssignment } from "./assignment.ts";
import { boundStep } from "./bound_plan.ts";
import { encodeImages, inputTable } from "./input.ts";
import type { QConvStep, QPlan, QPoolStep, QStep } from "./plan.ts";
import { type PoolArgs, type QKernels, quantKernels } from "./qkernels.ts";
import type { ConvOperator, LayerRun } from "./paths/operator.ts";
import { Placement } from "./paths/placement.ts";
import { createConvOperator, DEFAULT_MAX_STREAMS, type PathChoice } from "./paths/select.ts";

export type { LayerRun } from "./paths/operator.ts";
export { DEFAULT_MAX_STREAMS, type PathChoice } from "./paths/select.ts";

export interface QuantizedNetworkOptions {
  /** Samples per forward pass (buffers are sized for it). */
  batch: number;
  /** "auto": dot path where possible, else rows; "table", "rows": always that path;
   * "dot": fail where impossible. */
  path?: PathChoice;
  /** Most dot-product streams a layer may take before it falls back to rows. */
  maxStreams?: number;
}

export class QuantizedNetwork {
  readonly k: QKernels;
  readonly layers: LayerRun[] = [];
  /** Byte tensors by id ([batch][...]); the output may be float. */
  readonly buffers = new Map<string, number>();
  readonly inputTable: Uint8Array;
  #convs = new Map<QConvStep, ConvOperator>();
  #luts = new Map<QStep, number[]>();

  constructor(
    readonly engine: Engine,
    readonly plan: QPlan,
    assignment: MultiplierAssignment,
    readonly opts: QuantizedNetworkOptions,
  ) {
    this.k = quantKernels(engine);
    const placement = new Placement(engine, this.k);
    const batch = opts.batch;
    const inputId = plan.graph.nodes[0].id;
    this.inputTable = inputTable(plan.tensors[inputId].q);

    const size = (id: string) => {
      const s = plan.tensors[id].shape;
      return s.h * s.w * s.c;
    };
    this.buffers.set(inputId, placement.alloc(batch * size(inputId)));
    for (const s of plan.steps) {
      const floatOut = s.op === "conv" && s.floatOutput;
      this.buffers.set(s.output, placement.alloc(batch * size(s.output) * (floatOut ? 4 : 1)));
    }

    for (const s of plan.steps) {
      if (s.op === "lut") this.#luts.set(s, [placement.u8(s.lut)]);
      if (s.op === "concat") this.#luts.set(s, [placement.u8(s.lutA), placement.u8(s.lutB)]);
      if (s.op !== "conv") continue;
      const multiplier = layerMultiplier(assignment, s.node);
      const op = createConvOperator(
        { placement, batch, zIn: plan.tensors[s.input].q.zero, multiplier },
        boundStep(s, multiplier),
        opts.path ?? "auto",
        opts.maxStreams ?? DEFAULT_MAX_STREAMS,
      );
      this.layers.push(op.layer);
      this.#convs.set(s, op);
    }
    // One scratch for every operator: they run one at a time.
    const ops = [...this.#convs.values()];
    const scratch = placement.alloc(Math.max(16, ...ops.map((op) => op.scratchBytes)));
    for (const [s, op] of this.#convs) {
      op.setup({ x: this.buffers.get(s.input)!, y: this.buffers.get(s.output)!, scratch });
    }
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
          this.#convs.get(s)!.run(n);
          break;
        case "add": {
          const sh = t[s.output].shape;
          k.q8_add(
            buf(s.a),
            buf(s.b),
            buf(s.output),
            n * sh.h * sh.w * sh.c, // len: bytes of each tensor
            t[s.a].q.zero, // za
            t[s.b].q.zero, // zb
            s.ka,
            s.kb,
            s.zOut,
            s.lo,
          );
          break;
        }
        case "maxpool":
        case "avgpool": {
          const fn = s.op === "maxpool" ? k.q8_maxpool : k.q8_avgpool;
          fn(buf(s.input), buf(s.output), ...this.#poolArgs(s, n));
          break;
        }
        case "gap": {
          const x = t[s.input].shape, zIn = t[s.input].q.zero;
          k.q8_gap(buf(s.input), buf(s.output), n, x.h * x.w, /* hw */ x.c, zIn, s.k, s.zOut);
          break;
        }
        case "lut": {
          const x = t[s.input].shape, lut = this.#luts.get(s)![0], rows = n * x.h * x.w;
          k.q8_lut_channels(buf(s.input), lut, buf(s.output), rows, x.c);
          break;
        }
        case "concat": {
          const a = t[s.a].shape, b = t[s.b].shape, rows = n * a.h * a.w;
          const [lutA, lutB] = this.#luts.get(s)!;
          k.q8_concat(buf(s.a), buf(s.b), lutA, lutB, buf(s.output), rows, a.c, b.c);
          break;
        }
      }
    }
  }

  /** A pooling step over n images; the output keeps the input's encoding. */
  #poolArgs(s: QPoolStep, n: number): PoolArgs {
    const x = this.plan.tensors[s.input].shape, y = this.plan.tensors[s.output].shape;
    const [pt, pl] = s.pad, fill = this.plan.tensors[s.input].q.zero;
    return [n, x.h, x.w, x.c, s.kh, s.kw, s.sh, s.sw, pt, pl, y.h, y.w, fill];
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
