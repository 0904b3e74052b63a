/** The strided-window geometry convolutions and poolings share. */
import { type Padding, type TensorShape, windowOutput } from "../graph/node.ts";
import { positiveIntegers } from "./spec.ts";

export interface WindowFields {
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
}

/** Output height and width of a window over x, after checking kernel, stride and padding. */
export function windowShape(
  node: WindowFields,
  x: TensorShape,
  where: string,
): { h: number; w: number } {
  positiveIntegers(where, "kernel and stride", [...node.kernel, ...node.stride]);
  if (node.pad.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new Error(`${where}: padding must be non-negative integers, found ${node.pad}`);
  }
  const [pt, pl, pb, pr] = node.pad;
  const h = windowOutput(x.h, node.kernel[0], node.stride[0], pt, pb);
  const w = windowOutput(x.w, node.kernel[1], node.stride[1], pl, pr);
  if (h < 1 || w < 1) throw new Error(`${where}: window larger than its ${x.h}x${x.w} input`);
  return { h, w };
}
