/**
 * How the decoder reconciles shapes the genome does not control, so that every genome gives
 * a valid network:
 * - resolution: of two inputs to a sum or concatenation, the larger is max-pooled down to the
 *   smaller with one pooling whose window and stride are 2^k ("same" padding, so the size
 *   becomes ceil(size / 2^k)). Every resolution in a decoded network is the input's divided
 *   by a power of two and rounded up, so some k always matches exactly;
 * - channels of a sum: the input with fewer channels goes through a 1x1 convolution and batch
 *   norm to the larger count (the engine has no zero-padding op; this is the projection a
 *   residual block uses too);
 * - channels of a concatenation: when the result would exceed the config's `maxChannels`,
 *   the node is decoded as a sum instead.
 */
import type { GraphBuilder } from "../../graph/builder.ts";
import { fmt, type TensorShape } from "../../graph/graph.ts";

/** The number of 2x halvings (rounding up) that takes `from` to `to`, or -1 if none does. */
export function halvingsBetween(from: TensorShape, to: TensorShape): number {
  let h = from.h, w = from.w;
  for (let k = 0; k <= 32; k++) {
    if (h === to.h && w === to.w) return k;
    if (h < to.h || w < to.w || (h === 1 && w === 1)) return -1;
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
  }
  return -1;
}

/** Max-pools `x` down to the resolution of `target` (no node when it already matches). */
export function poolDownTo(g: GraphBuilder, x: string, target: TensorShape): string {
  const k = halvingsBetween(g.shape(x), target);
  if (k < 0) {
    throw new Error(
      `CGP decode: cannot pool ${fmt(g.shape(x))} down to ${target.h}x${target.w}`,
    );
  }
  return k === 0 ? x : g.pool("maxpool", x, 2 ** k, 2 ** k);
}

/** Both inputs at the smaller of their two resolutions. */
export function matchResolution(g: GraphBuilder, a: string, b: string): [string, string] {
  const sa = g.shape(a), sb = g.shape(b);
  const target = { h: Math.min(sa.h, sb.h), w: Math.min(sa.w, sb.w), c: 0 };
  return [poolDownTo(g, a, target), poolDownTo(g, b, target)];
}

/** 1x1 convolution and batch norm to `channels` (no node when they already match). */
export function projectChannels(g: GraphBuilder, x: string, channels: number): string {
  return g.shape(x).c === channels ? x : g.batchnorm(g.conv(x, channels, 1));
}

/** Sum after matching resolution, then channels (the narrower input is projected). */
export function mergeSum(g: GraphBuilder, a: string, b: string): string {
  [a, b] = matchResolution(g, a, b);
  const c = Math.max(g.shape(a).c, g.shape(b).c);
  return g.add(projectChannels(g, a, c), projectChannels(g, b, c));
}

/** Concatenation after matching resolution; a sum when it would exceed `maxChannels`. */
export function mergeConcat(
  g: GraphBuilder,
  a: string,
  b: string,
  maxChannels: number,
): { id: string; asSum: boolean } {
  if (g.shape(a).c + g.shape(b).c > maxChannels) return { id: mergeSum(g, a, b), asSum: true };
  [a, b] = matchResolution(g, a, b);
  return { id: g.concat(a, b), asSum: false };
}
