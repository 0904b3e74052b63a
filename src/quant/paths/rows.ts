/**
 * The gathered-rows path (q8_conv2d_rows): the multiplier's table gathered through the
 * layer's fixed weights once, rows[tap][a][co] = M(a, w[tap, co]), so one tap's products for
 * 8 channels are one 16-byte load. Works for any table; costs 512 bytes per weight.
 */
import { packTableLayer, round8 } from "../pack.ts";
import type { QConvStep } from "../plan.ts";
import type { ChannelArgs, OutputArgs, QKernels, WindowArgs } from "../qkernels.ts";
import {
  type ConvBinding,
  type ConvContext,
  type ConvOperator,
  type LayerRun,
  outputArgs,
  windowArgs,
} from "./operator.ts";
import { PaddedBytes, type PlacedTable } from "./placement.ts";

/** Gathers the rows from the placed table (the weight bytes are needed only meanwhile). */
export function createRowsConv(
  ctx: ConvContext,
  step: QConvStep,
  table: PlacedTable,
): ConvOperator {
  return new RowsConv(ctx, step, table);
}

class RowsConv implements ConvOperator {
  readonly layer: LayerRun;
  readonly #k: QKernels;
  readonly scratchBytes: number;
  readonly #channels: ChannelArgs;
  readonly #input: PaddedBytes;
  readonly #rows: number;
  readonly #window: WindowArgs;
  readonly #output: OutputArgs;
  readonly #skipZero: number;
  #io: ConvBinding = { x: 0, y: 0, scratch: 0 };

  constructor(ctx: ConvContext, readonly step: QConvStep, table: PlacedTable) {
    const pl = ctx.placement;
    this.#k = pl.k;
    this.layer = { node: step.node, multiplier: ctx.multiplier.name, path: "rows", streams: 0 };
    // The shifted table's bias and zero skipping; its weight layout is not used here.
    const packed = packTableLayer(step, table.kernel);
    const kp = round8(step.k), taps = step.kh * step.kw * step.c;
    this.#skipZero = packed.skipZero ? 1 : 0;
    this.#channels = pl.channels(step, packed.bias, kp);
    this.#input = new PaddedBytes(pl, step, ctx.batch, ctx.zIn);
    this.#rows = pl.alloc(taps * 256 * kp * 2);
    pl.scoped(() => pl.k.q8_gather_rows(table.at, pl.u8(step.weights), this.#rows, taps, step.k));
    this.#window = windowArgs(step);
    this.#output = outputArgs(step);
    this.scratchBytes = 12 * taps;
  }

  setup(binding: ConvBinding): void {
    this.#io = binding;
  }

  run(n: number): void {
    const k = this.#k, s = this.step, { x, y, scratch } = this.#io;
    // No dense kernel of its own: a dense layer is one 1 x n image of c channels.
    const images = s.dense ? 1 : n;
    const window: WindowArgs = s.dense
      ? [1, n, s.c, s.k, s.kh, s.kw, s.sh, s.sw, 1, n]
      : this.#window;
    k.q8_conv2d_rows(
      this.#input.of(x, n),
      this.#rows,
      ...this.#channels,
      y,
      scratch,
      images,
      ...window,
      ...this.#output,
      this.#skipZero,
    );
  }
}
