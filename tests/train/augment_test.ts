import assert from "node:assert/strict";
import {
  CIFAR10_MEAN,
  CIFAR10_STD,
  prepareEvalBatch,
  prepareTrainBatch,
  reflectCoordinate,
  writeImage,
} from "../../src/train/augment.ts";
import { Rng } from "../../src/util/rng.ts";
import { IMAGE_BYTES, type LabelledImages } from "../../src/data/cifar10/format.ts";

const SIDE = 32;

function randomData(rng: Rng, count: number): LabelledImages {
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(10);
  return { images, labels };
}

function buffers(n: number) {
  return { images: new Float32Array(n * IMAGE_BYTES), labels: new Int32Array(n) };
}

/** Mirror of a padded coordinate written out case by case, independent of the module. */
function plainReflect(p: number): number {
  if (p < 0) return -p;
  if (p > SIDE - 1) return 2 * (SIDE - 1) - p;
  return p;
}

/** The batch computed one output value at a time from the definitions. */
function plainBatch(
  data: LabelledImages,
  indices: number[],
  crops: { y: number; x: number; flip: boolean }[],
): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_BYTES);
  for (let n = 0; n < indices.length; n++) {
    const { y: cy, x: cx, flip } = crops[n];
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const xs = flip ? SIDE - 1 - x : x;
        const sy = plainReflect(y + cy - 4);
        const sx = plainReflect(xs + cx - 4);
        for (let c = 0; c < 3; c++) {
          const v = data.images[indices[n] * 3072 + c * 1024 + sy * 32 + sx];
          out[((n * SIDE + y) * SIDE + x) * 3 + c] = (v / 255 - CIFAR10_MEAN[c]) / CIFAR10_STD[c];
        }
      }
    }
  }
  return out;
}

/** The byte a normalised value came from. */
function byteOf(value: number, channel: number): number {
  return Math.round((value * CIFAR10_STD[channel] + CIFAR10_MEAN[channel]) * 255);
}

const CENTRE = { y: 4, x: 4, flip: false };

Deno.test("eval batch: NHWC layout and per-channel normalisation match a per-pixel version", () => {
  const data = randomData(new Rng(1), 6);
  const indices = [4, 0, 4, 2, 5];
  const out = buffers(indices.length);
  prepareEvalBatch(data, indices, out);
  assert.deepEqual(out.images, plainBatch(data, indices, indices.map(() => CENTRE)));
  assert.deepEqual([...out.labels], indices.map((i) => data.labels[i]));
});

Deno.test("normalisation: byte 0 and 255 of each channel give the constants' values", () => {
  const images = new Uint8Array(IMAGE_BYTES * 2).fill(0, 0, IMAGE_BYTES)
    .fill(255, IMAGE_BYTES);
  const out = buffers(2);
  prepareEvalBatch({ images, labels: Uint8Array.from([3, 7]) }, [0, 1], out);
  for (let c = 0; c < 3; c++) {
    const low = Math.fround(-CIFAR10_MEAN[c] / CIFAR10_STD[c]);
    const high = Math.fround((1 - CIFAR10_MEAN[c]) / CIFAR10_STD[c]);
    assert.equal(out.images[c], low, `channel ${c} at 0`);
    assert.equal(out.images[IMAGE_BYTES + 5 * 3 + c], high, `channel ${c} at 255`);
  }
  assert.deepEqual([...out.labels], [3, 7]);
});

Deno.test("train batch: equals the per-pixel version fed the same random draws", () => {
  const data = randomData(new Rng(2), 8);
  const indices = [7, 1, 3, 3, 0, 6, 2, 5, 4, 1, 0, 7];
  const out = buffers(indices.length);
  prepareTrainBatch(data, indices, out, new Rng(99));

  const replay = new Rng(99);
  const crops = indices.map(() => ({
    y: replay.int(9),
    x: replay.int(9),
    flip: replay.next() < 0.5,
  }));
  // Guard that the seed exercises corners and both flips, not only the centre.
  assert.ok(crops.some((c) => c.flip) && crops.some((c) => !c.flip));
  assert.deepEqual(out.images, plainBatch(data, indices, crops));
  assert.deepEqual([...out.labels], indices.map((i) => data.labels[i]));
});

Deno.test("crop at offset (4, 4) without flip equals the un-augmented image", () => {
  const data = randomData(new Rng(3), 3);
  const plain = buffers(3);
  prepareEvalBatch(data, [0, 1, 2], plain);
  const cropped = new Float32Array(3 * IMAGE_BYTES);
  for (let i = 0; i < 3; i++) writeImage(data.images, i, cropped, i, 4, 4, false);
  assert.deepEqual(cropped, plain.images);
});

Deno.test("flip mirrors each row left to right", () => {
  const data = randomData(new Rng(4), 2);
  const plain = buffers(1);
  prepareEvalBatch(data, [1], plain);
  const flipped = new Float32Array(IMAGE_BYTES);
  writeImage(data.images, 1, flipped, 0, 4, 4, true);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      for (let c = 0; c < 3; c++) {
        assert.equal(
          flipped[(y * SIDE + x) * 3 + c],
          plain.images[(y * SIDE + (SIDE - 1 - x)) * 3 + c],
          `pixel (${y}, ${x}) channel ${c}`,
        );
      }
    }
  }
});

/** An image whose red byte is its row + 100 and green byte its column + 100. */
function coordinateImage(): Uint8Array {
  const image = new Uint8Array(IMAGE_BYTES);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      image[y * 32 + x] = 100 + y;
      image[1024 + y * 32 + x] = 100 + x;
      image[2048 + y * 32 + x] = 7;
    }
  }
  return image;
}

/** Source (row, column) of output pixel (y, x), read back from a coordinate image. */
function sourceOf(out: Float32Array, y: number, x: number): [number, number] {
  const p = (y * SIDE + x) * 3;
  return [byteOf(out[p], 0) - 100, byteOf(out[p + 1], 1) - 100];
}

Deno.test("padding reflects about the edge pixel: not zero, not a repeated edge", () => {
  const image = coordinateImage();
  const out = new Float32Array(IMAGE_BYTES);

  // Offset (0, 0): output (0..3) reads padded -4..-1, which reflect to 4..1.
  writeImage(image, 0, out, 0, 0, 0, false);
  assert.deepEqual(sourceOf(out, 0, 0), [4, 4]);
  assert.deepEqual(sourceOf(out, 3, 3), [1, 1]);
  assert.deepEqual(sourceOf(out, 4, 4), [0, 0]);
  assert.deepEqual(sourceOf(out, 2, 31), [2, 27]);

  // Offset (8, 8): output 28..31 reads padded 32..35, which reflect to 30..27.
  writeImage(image, 0, out, 0, 8, 8, false);
  assert.deepEqual(sourceOf(out, 27, 27), [31, 31]);
  assert.deepEqual(sourceOf(out, 28, 28), [30, 30]);
  assert.deepEqual(sourceOf(out, 31, 31), [27, 27]);
  assert.deepEqual(sourceOf(out, 31, 0), [27, 4]);

  // Flipped at offset (0, 8): output column 0 reads padded 39, i.e. source 27.
  writeImage(image, 0, out, 0, 0, 8, true);
  assert.deepEqual(sourceOf(out, 0, 0), [4, 27]);
  assert.deepEqual(sourceOf(out, 0, 31), [4, 4]);
});

Deno.test("reflectCoordinate matches numpy's reflect mode", () => {
  const cases: [number, number][] = [[-4, 4], [-1, 1], [0, 0], [31, 31], [32, 30], [35, 27]];
  for (const [i, expected] of cases) assert.equal(reflectCoordinate(i, 32), expected, `i = ${i}`);
  assert.equal(reflectCoordinate(-1, 3), 1);
  assert.equal(reflectCoordinate(3, 3), 1);
});

Deno.test("same seed gives the same batch; another seed another", () => {
  const data = randomData(new Rng(5), 4);
  const indices = [0, 1, 2, 3, 0, 1, 2, 3];
  const a = buffers(8), b = buffers(8), c = buffers(8);
  prepareTrainBatch(data, indices, a, new Rng(42));
  prepareTrainBatch(data, indices, b, new Rng(42));
  prepareTrainBatch(data, indices, c, new Rng(43));
  assert.deepEqual(a.images, b.images);
  assert.notDeepEqual(a.images, c.images);
});

Deno.test("writes only the batch's slots into a larger buffer", () => {
  const data = randomData(new Rng(6), 2);
  const out = {
    images: new Float32Array(4 * IMAGE_BYTES).fill(9),
    labels: new Int32Array(4).fill(-1),
  };
  prepareEvalBatch(data, [1, 0], out);
  assert.ok(out.images.subarray(2 * IMAGE_BYTES).every((v) => v === 9));
  assert.deepEqual([...out.labels], [data.labels[1], data.labels[0], -1, -1]);
});

Deno.test("rejects indices out of range and buffers too small, naming what was found", () => {
  const data = randomData(new Rng(7), 2);
  assert.throws(() => prepareEvalBatch(data, [0, 2], buffers(2)), /Image index 2 at position 1/);
  assert.throws(() => prepareEvalBatch(data, [0, 1], buffers(1)), /needs 6144 floats: found 3072/);
  assert.throws(
    () =>
      prepareEvalBatch({ images: new Uint8Array(100), labels: new Uint8Array(0) }, [], buffers(1)),
    /multiple of 3072 bytes: found 100/,
  );
});
