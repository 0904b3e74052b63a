/**
 * The dot-product path (q8_conv2d_dot, q8_dense_dot): when the multiplier's table decomposes
 * into a few integer rank-1 terms (decompose.ts), each term is a stream of exact int16 dot
 * products (pack.ts `packDotLayer`): the padded input mapped through f_j against the weights
 * mapped through g_j. The fastest path where it applies.
 */
import type { DotLayerData } from "../pack.ts";
import type { QConvStep } from "../plan.ts";
import type {
  ChannelArgs,
  OutputArgs,
  PadArgs,
  QKernels,
  StreamArgs,
  WindowArgs,
} from "../qkernels.ts";
import {
  type ConvBinding,
  type ConvContext,
  type ConvOperator,
  denseArgs,
  type LayerRun,
  outputArgs,
  windowArgs,
} from "./operator.ts";
import { padArgs, paddedElements } from "./placement.ts";

/** Places the packed streams, one int16 input per distinct f, and the step's constants. */
export function createDotConv(
  ctx: ConvContext,
  step: QConvStep,
  packed: DotLayerData,
): ConvOperator {
  return new DotConv(ctx, step, packed);
}

/** An int16 copy of the padded input through f (lut 0: f(a) = a), which streams read. */
interface StreamInput {
  f: Int16Array | null;
  lut: number;
  at: number;
}

class DotConv implements ConvOperator {
  readonly layer: LayerRun;
  readonly #k: QKernels;
  readonly scratchBytes = 0;
  readonly #inputs: StreamInput[] = [];
  readonly #streams: StreamArgs;
  readonly #channels: ChannelArgs;
  readonly #window: WindowArgs;
  readonly #output: OutputArgs;
  readonly #zIn: number;
  #io: ConvBinding = { x: 0, y: 0, scratch: 0 };

  constructor(ctx: ConvContext, readonly step: QConvStep, packed: DotLayerData) {
    const pl = ctx.placement;
    this.#k = pl.k;
    this.#zIn = ctx.zIn;
    const ns = packed.streams.length;
    this.layer = { node: step.node, multiplier: ctx.multiplier.name, path: "dot", streams: ns };
    // 16 bytes of slack: the kernel's chunks may read past the last window row.
    const inputBytes = paddedElements(step, ctx.batch) * 2 + 16;
    const inputOf = (f: Int16Array | null) => {
      let input = this.#inputs.find((i) => sameLut(i.f, f));
      if (!input) {
        input = { f, at: pl.alloc(inputBytes), lut: f ? pl.i16(f) : 0 };
        this.#inputs.push(input);
      }
      return input.at;
    };
    const descriptors: number[] = [];
    for (const st of packed.streams) descriptors.push(inputOf(st.lut), pl.i16(st.weights));
    const streams = pl.i32(descriptors);
    const bias = pl.i32(packed.bias), scale = pl.f32(packed.scale);
    // The window sums of the plain bytes, when no stream's f spans a (see pack.ts).
    let asumF = 0, ones = 0, zw = 0;
    if (packed.asum) {
      asumF = inputOf(null);
      ones = pl.i16(packed.ones);
      zw = pl.i32(packed.zw);
    }
    this.#streams = [streams, ns, asumF, ones];
    this.#channels = [zw, bias, scale];
    this.#window = windowArgs(step);
    this.#output = outputArgs(step);
  }

  setup(binding: ConvBinding): void {
    this.#io = binding;
  }

  run(n: number): void {
    const k = this.#k, s = this.step, { x, y } = this.#io;
    const pad: PadArgs = padArgs(s, n, this.#zIn);
    for (const input of this.#inputs) k.q8_pad_lut_i16(x, input.lut, input.at, ...pad);
    if (s.dense) {
      k.q8_dense_dot(...this.#streams, ...this.#channels, y, n, ...denseArgs(s), ...this.#output);
    } else {
      k.q8_conv2d_dot(...this.#streams, ...this.#channels, y, n, ...this.#window, ...this.#output);
    }
  }
}

function sameLut(a: Int16Array | null, b: Int16Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
