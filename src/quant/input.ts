/**
 * The network input in bytes: CIFAR-10 pixels (CHW planes) are normalised exactly as the
 * float engine does (src/train/augment.ts, float32) and encoded with the input tensor's
 * affine encoding, through a 768-entry table (channel, pixel byte) -> input byte, into NHWC.
 */
import { CIFAR10_MEAN, CIFAR10_STD } from "../train/augment.ts";
import { type Affine, quantize } from "./affine.ts";
import { IMAGE_BYTES, IMAGE_SIDE } from "../data/cifar10/format.ts";

const PLANE = IMAGE_SIDE * IMAGE_SIDE;

/**
 * The range of the normalised network input over all possible pixels (not calibrated:
 * every byte of every channel maps inside it).
 */
export function inputRange(): { lo: number; hi: number } {
  let lo = Infinity, hi = -Infinity;
  for (let c = 0; c < 3; c++) {
    lo = Math.min(lo, Math.fround((0 - CIFAR10_MEAN[c]) / CIFAR10_STD[c]));
    hi = Math.max(hi, Math.fround((1 - CIFAR10_MEAN[c]) / CIFAR10_STD[c]));
  }
  return { lo, hi };
}

/** table[c * 256 + v]: the input byte of pixel value v in channel c. */
export function inputTable(q: Affine): Uint8Array {
  const t = new Uint8Array(768);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) {
      t[c * 256 + v] = quantize(Math.fround((v / 255 - CIFAR10_MEAN[c]) / CIFAR10_STD[c]), q);
    }
  }
  return t;
}

/** Encodes images start..start+n-1 (3072 bytes each, CHW) into out (n * 3072 bytes, NHWC). */
export function encodeImages(
  images: Uint8Array,
  start: number,
  n: number,
  table: Uint8Array,
  out: Uint8Array,
): void {
  if ((start + n) * IMAGE_BYTES > images.length) {
    const total = images.length / IMAGE_BYTES;
    throw new Error(`encodeImages: images ${start}..${start + n - 1} run past ${total} images`);
  }
  for (let i = 0; i < n; i++) {
    const src = (start + i) * IMAGE_BYTES;
    let dst = i * IMAGE_BYTES;
    for (let p = 0; p < PLANE; p++) {
      out[dst] = table[images[src + p]];
      out[dst + 1] = table[256 + images[src + PLANE + p]];
      out[dst + 2] = table[512 + images[src + 2 * PLANE + p]];
      dst += 3;
    }
  }
}
