/**
 * A per-channel function of one byte (a standalone batch norm, a ReLU, both) as the table of
 * a lut step (src/quant/plan.ts), computed in float64.
 */
import { type Affine, dequantize, quantize } from "./affine.ts";

/** lut[ch * 256 + v]: the output byte of input byte v in channel ch. */
export function channelTable(
  x: Affine,
  channels: number,
  out: Affine,
  batchnorm: { mul: number[]; add: number[] } | undefined,
  relu: boolean,
): Uint8Array {
  const lut = new Uint8Array(channels * 256);
  for (let ch = 0; ch < channels; ch++) {
    for (let v = 0; v < 256; v++) {
      let y = dequantize(v, x);
      if (batchnorm) y = batchnorm.mul[ch] * y + batchnorm.add[ch];
      if (relu) y = Math.max(y, 0);
      lut[ch * 256 + v] = quantize(y, out);
    }
  }
  return lut;
}
