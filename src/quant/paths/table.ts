/**
 * The table path (q8_conv2d_table, q8_dense_table): one scalar look-up of the multiplier's
 * product table per product. Works for any table; the baseline the other paths are measured
 * against (bench/quant_bench.ts), and the one depthwise steps take (q8_dwconv2d_table).
 */
import { packTableLayer, round8 } from "../pack.ts";
import type { QConvStep } from "../plan.ts";
import type { ChannelArgs, OutputArgs, QKernels, WindowArgs } from "../qkernels.ts";
import {
  type ConvBinding,
  type ConvContext,
  type ConvOperator,
  denseArgs,
  type LayerRun,
  outputArgs,
  windowArgs,
} from "./operator.ts";
import { PaddedBytes, type PlacedTable } from "./placement.ts";

/** Places the step's weight bytes (rows padded to 8 channels) and constants. */
export function createTableConv(
  ctx: ConvContext,
  step: QConvStep,
  table: PlacedTable,
): ConvOperator {
  return new TableConv(ctx, step, table);
}

class TableConv implements ConvOperator {
  readonly layer: LayerRun;
  readonly #k: QKernels;
  readonly scratchBytes: number;
  readonly #table: number;
  readonly #channels: ChannelArgs;
  readonly #input: PaddedBytes;
  readonly #weights: number;
  readonly #window: WindowArgs;
  readonly #output: OutputArgs;
  readonly #skipZero: number;
  #io: ConvBinding = { x: 0, y: 0, scratch: 0 };

  constructor(ctx: ConvContext, readonly step: QConvStep, table: PlacedTable) {
    const pl = ctx.placement;
    this.#k = pl.k;
    this.layer = { node: step.node, multiplier: ctx.multiplier.name, path: "table", streams: 0 };
    const packed = packTableLayer(step, table.kernel);
    this.#table = table.at;
    this.#skipZero = packed.skipZero ? 1 : 0;
    this.#channels = pl.channels(step, packed.bias, round8(step.k));
    this.#input = new PaddedBytes(pl, step, ctx.batch, ctx.zIn);
    this.#weights = pl.u8(packed.weights);
    this.#window = windowArgs(step);
    this.#output = outputArgs(step);
    this.scratchBytes = 12 * step.kh * step.kw * step.c;
  }

  setup(binding: ConvBinding): void {
    this.#io = binding;
  }

  run(n: number): void {
    const k = this.#k, { x, y, scratch } = this.#io;
    if (this.step.dense) {
      k.q8_dense_table(
        x,
        this.#table,
        this.#weights,
        ...this.#channels,
        y,
        scratch,
        n,
        ...denseArgs(this.step),
        ...this.#output,
        this.#skipZero,
      );
      return;
    }
    if (this.step.depthwise) {
      const out = this.#output;
      k.q8_dwconv2d_table(
        this.#input.of(x, n),
        this.#table,
        this.#weights,
        ...this.#channels,
        y,
        n,
        ...this.#window,
        ...out,
      );
      return;
    }
    k.q8_conv2d_table(
      this.#input.of(x, n),
      this.#table,
      this.#weights,
      ...this.#channels,
      y,
      scratch,
      n,
      ...this.#window,
      ...this.#output,
      this.#skipZero,
    );
  }
}
