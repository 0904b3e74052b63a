/**
 * What every node of the graph format shares: its id and inputs, the shape of the tensor it
 * writes, padding. The ops themselves (their fields and shape rules) are in src/ops/.
 */

/** Spatial size and channels of one sample's activation (NHWC, batch left out). */
export interface TensorShape {
  h: number;
  w: number;
  c: number;
}

/** Padding before and after each spatial axis: [top, left, bottom, right]. */
export type Padding = [number, number, number, number];

export interface NodeBase {
  id: string;
  /** Ids of earlier nodes, in the order the op takes them. */
  inputs: string[];
  op: string;
}

/** Output size of a strided window along one axis. */
export function windowOutput(
  size: number,
  k: number,
  stride: number,
  before: number,
  after: number,
) {
  return Math.floor((size + before + after - k) / stride) + 1;
}

export function fmt(s: TensorShape): string {
  return `${s.h}x${s.w}x${s.c}`;
}
