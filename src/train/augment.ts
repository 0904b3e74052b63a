/**
 * CIFAR-10 batch preparation: official CHW bytes in, normalised NHWC floats out, with the
 * standard training augmentation (4-pixel reflect padding, random 32x32 crop, horizontal
 * flip with probability 1/2). Runs every training step, so it allocates nothing per call:
 * normalisation is a 768-entry look-up table and padding a 40-entry coordinate map.
 */
import type { Rng } from "../util/rng.ts";
import {
  IMAGE_BYTES,
  IMAGE_CHANNELS,
  IMAGE_SIDE,
  type LabelledImages,
} from "../data/cifar10/format.ts";

/** Per-channel mean of the CIFAR-10 training set on [0, 1] (R, G, B). */
export const CIFAR10_MEAN: readonly number[] = Object.freeze([0.4914, 0.4822, 0.4465]);
/** Per-channel standard deviation of the CIFAR-10 training set on [0, 1] (R, G, B). */
export const CIFAR10_STD: readonly number[] = Object.freeze([0.2470, 0.2435, 0.2616]);
/** Reflect padding on each side before the random crop. */
export const CROP_PADDING = 4;
/** Crop offsets run from 0 to this, inclusive, on each axis; this / 2 is the centre. */
export const MAX_CROP_OFFSET = 2 * CROP_PADDING;

const SIDE = IMAGE_SIDE;
const PLANE = SIDE * SIDE;

/** normalised[c * 256 + v] = (v / 255 - mean[c]) / std[c]. */
const NORMALISED = (() => {
  const table = new Float32Array(IMAGE_CHANNELS * 256);
  for (let c = 0; c < IMAGE_CHANNELS; c++) {
    for (let v = 0; v < 256; v++) {
      table[c * 256 + v] = (v / 255 - CIFAR10_MEAN[c]) / CIFAR10_STD[c];
    }
  }
  return table;
})();

/**
 * reflected[p] is the source coordinate of padded coordinate p (0..39): reflection about the
 * edge pixel without repeating it, so padded -1 reads 1 and padded 32 reads 30.
 */
const REFLECTED = (() => {
  const map = new Int32Array(SIDE + 2 * CROP_PADDING);
  for (let p = 0; p < map.length; p++) map[p] = reflectCoordinate(p - CROP_PADDING, SIDE);
  return map;
})();

/**
 * The source coordinate of `i` in an axis of `size` pixels extended by reflection
 * (numpy's `mode="reflect"`, PyTorch's ReflectionPad): -1 -> 1, size -> size - 2.
 */
export function reflectCoordinate(i: number, size: number): number {
  const period = 2 * (size - 1);
  let m = ((i % period) + period) % period;
  if (m >= size) m = period - m;
  return m;
}

/** Where a batch goes; typically views into wasm memory. */
export interface BatchBuffers {
  /** At least n * 32 * 32 * 3 floats, written as (n, y, x, c). */
  images: Float32Array;
  /** At least n entries. */
  labels: Int32Array;
}

/**
 * Writes one image into `out` at image slot `slot` (NHWC), normalised, as the 32x32 window at
 * offset (`cropY`, `cropX`) of the image reflect-padded by 4, mirrored left-right if `flip`.
 * Offsets (4, 4) without flip give the image unchanged.
 */
export function writeImage(
  images: Uint8Array,
  imageIndex: number,
  out: Float32Array,
  slot: number,
  cropY: number,
  cropX: number,
  flip: boolean,
): void {
  const src = imageIndex * IMAGE_BYTES;
  let dst = slot * IMAGE_BYTES;
  // Output column x reads padded column colStart + colStep * x.
  const colStart = flip ? cropX + SIDE - 1 : cropX;
  const colStep = flip ? -1 : 1;
  for (let y = 0; y < SIDE; y++) {
    const row = src + REFLECTED[cropY + y] * SIDE;
    for (let x = 0; x < SIDE; x++) {
      const p = row + REFLECTED[colStart + colStep * x];
      out[dst] = NORMALISED[images[p]];
      out[dst + 1] = NORMALISED[256 + images[p + PLANE]];
      out[dst + 2] = NORMALISED[512 + images[p + 2 * PLANE]];
      dst += 3;
    }
  }
}

/**
 * Fills a training batch: for each `indices[i]`, a random crop of the reflect-padded image
 * and a horizontal flip with probability 1/2, normalised, into slot i of `out.images`, and
 * its label into `out.labels[i]`. Draws, per image in order: rng.int(9) for the row offset,
 * rng.int(9) for the column offset, rng.next() < 0.5 for the flip.
 * @example
 * prepareTrainBatch(train, order.subarray(k, k + 128), { images: xView, labels: yView }, rng);
 */
export function prepareTrainBatch(
  data: LabelledImages,
  indices: ArrayLike<number>,
  out: BatchBuffers,
  rng: Rng,
): void {
  checkBatch(data, indices, out);
  for (let i = 0; i < indices.length; i++) {
    const cropY = rng.int(MAX_CROP_OFFSET + 1);
    const cropX = rng.int(MAX_CROP_OFFSET + 1);
    const flip = rng.next() < 0.5;
    writeImage(data.images, indices[i], out.images, i, cropY, cropX, flip);
    out.labels[i] = data.labels[indices[i]];
  }
}

/**
 * Fills an evaluation batch: the images of `indices`, normalised, without augmentation,
 * and their labels.
 */
export function prepareEvalBatch(
  data: LabelledImages,
  indices: ArrayLike<number>,
  out: BatchBuffers,
): void {
  checkBatch(data, indices, out);
  for (let i = 0; i < indices.length; i++) {
    writeImage(data.images, indices[i], out.images, i, CROP_PADDING, CROP_PADDING, false);
    out.labels[i] = data.labels[indices[i]];
  }
}

/** One check per batch so that the per-pixel loop can trust its indices. */
function checkBatch(data: LabelledImages, indices: ArrayLike<number>, out: BatchBuffers): void {
  if (data.images.length % IMAGE_BYTES !== 0) {
    throw new Error(
      `CIFAR-10 images must be a multiple of ${IMAGE_BYTES} bytes: found ${data.images.length}`,
    );
  }
  const count = data.images.length / IMAGE_BYTES;
  if (data.labels.length < count) {
    throw new Error(`Expected a label for each of ${count} images: found ${data.labels.length}`);
  }
  const n = indices.length;
  if (out.images.length < n * IMAGE_BYTES) {
    throw new Error(
      `A batch of ${n} images needs ${n * IMAGE_BYTES} floats: found ${out.images.length}`,
    );
  }
  if (out.labels.length < n) {
    throw new Error(`A batch of ${n} images needs ${n} labels: found ${out.labels.length}`);
  }
  for (let i = 0; i < n; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`Image index ${index} at position ${i} is outside 0..${count - 1}`);
    }
  }
}
