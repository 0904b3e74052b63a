/**
 * The classes a quantised network predicts, and how many match the labels: the one loop
 * behind every 8-bit accuracy (the worker pool's, the search's in-thread one, evaluate's and
 * the export check's).
 */
import { argmaxRows, type QuantizedNetwork } from "./qnetwork.ts";

/** Predicted class of images [start, start + count) of `images`, in batches of the net's size. */
export function predictClasses(
  net: QuantizedNetwork,
  images: Uint8Array,
  start: number,
  count: number,
): Uint8Array {
  const out = new Uint8Array(count);
  const batch = net.opts.batch, classes = net.plan.graph.classes;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    net.loadImages(images, start + i, n);
    net.forward(n);
    out.set(argmaxRows(net.logits(n), n, classes), i);
  }
  return out;
}

/** How many of `predicted` equal the label at the same index. */
export function countCorrect(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length < predicted.length) {
    throw new Error(
      `countCorrect: ${predicted.length} predictions but only ${labels.length} labels`,
    );
  }
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}
