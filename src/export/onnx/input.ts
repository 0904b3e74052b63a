/**
 * The input of the exported ONNX files from CIFAR-10 bytes: the official layout is already
 * NCHW (three 32x32 planes per image), so each byte p of channel c only becomes
 * float32((p / 255 - mean[c]) / std[c]), the value approxnas's engines read.
 */
import { CIFAR10_MEAN, CIFAR10_STD } from "../../train/augment.ts";

const PLANE = 1024;

/** The first `count` images of `images` (CIFAR-10 layout) as the ONNX `input` tensor's data. */
export function onnxInput(images: Uint8Array, count = images.length / (3 * PLANE)): Float32Array {
  if (!Number.isInteger(count) || count < 0 || count * 3 * PLANE > images.length) {
    throw new Error(
      `onnxInput: ${count} images of ${3 * PLANE} bytes asked for, found ${images.length} bytes`,
    );
  }
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - CIFAR10_MEAN[c]) / CIFAR10_STD[c];
  }
  const out = new Float32Array(count * 3 * PLANE);
  for (let i = 0; i < out.length; i++) out[i] = table[Math.floor(i / PLANE) % 3 * 256 + images[i]];
  return out;
}
