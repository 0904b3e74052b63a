/**
 * A circuit's products as the 8-bit executor's table: 65,536 uint16 entries M(a, w), index
 * a * 256 + w, over the activation byte a and the stored weight byte w (weight_code.ts), such
 * that the executor's exact integer arithmetic (plan.ts: acc = sum M(a, w) - zw * sum a +
 * bias) computes with the circuit's products (P: the circuit's table, products.ts):
 * - 8x8 unsigned: M = P.
 * - 8xN unsigned: M(a, w) = P(a, w) for the N-bit codes w < 2^N; the bytes above are never
 *   stored (they hold a * w).
 * - two's complement: the activation byte a is read as the int8 x = a - 128 (TFLite's int8
 *   activations, zero-point z_a - 128) and the weight byte w as y = w - 128 (symmetric, zero
 *   0); M(a, w) = a * w + (P(x, y) - x * y). With zw = 128 the sum is then
 *   sum_i P(x_i, y_i) - (z_a - 128) * sum_i y_i + bias: every product through the circuit,
 *   and for the exact circuit M = a * w, so signed inference is integer arithmetic bit for bit.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import {
  checkTableSize,
  type Operands,
  operandValue,
  productValues,
} from "../multipliers/products.ts";
import { isCodeByte, SIGNED_OFFSET, type WeightCode } from "./weight_code.ts";

export type { Operands } from "../multipliers/products.ts";

/** The weight code a circuit takes: its weight operand's width and number format. */
export function weightCodeOf(operands: Operands): WeightCode {
  return { bits: operands.weightBits, signed: operands.signed };
}

export interface ExecutorTable {
  /** M(a, w) + offset[w], index a * 256 + w: 0..65535. */
  table: Uint16Array;
  /**
   * Per weight byte, what was added to its column to fit 0..65535 (absent: nothing); the
   * executor subtracts the sum over a layer's taps from its bias (offsetBias).
   */
  offsets?: Int32Array;
}

/**
 * The executor's table of circuit `name`. A weight's column that falls below 0 (a signed
 * circuit erring below the byte product near x = -128) or above 65535 is shifted into range;
 * throws when a column spans more than 0..65535.
 */
export function executorTable(
  circuit: Uint16Array,
  operands: Operands,
  name: string,
): ExecutorTable {
  const n = operands.weightBits;
  checkTableSize(circuit, operands, `multiplier '${name}'`);
  if (n === 8 && !operands.signed) return { table: circuit };
  const code = weightCodeOf(operands);
  const values = productValues(circuit, operands);
  const m = new Int32Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let w = 0; w < 256; w++) {
      let v = a * w;
      if (isCodeByte(code, w)) {
        const pattern = operands.signed ? (w - SIGNED_OFFSET) & ((1 << n) - 1) : w;
        const x = operands.signed ? a - SIGNED_OFFSET : a;
        const y = operandValue(pattern, n, operands.signed);
        v += values[((operands.signed ? a ^ SIGNED_OFFSET : a) << n) | pattern] - x * y;
      }
      m[a * 256 + w] = v;
    }
  }
  const offsets = new Int32Array(256);
  for (let w = 0; w < 256; w++) {
    let lo = Infinity, hi = -Infinity;
    for (let a = 0; a < 256; a++) {
      lo = Math.min(lo, m[a * 256 + w]);
      hi = Math.max(hi, m[a * 256 + w]);
    }
    if (hi - lo > 65535) {
      throw new Error(
        `multiplier '${name}': the products of weight byte ${w} span ${lo}..${hi} in the ` +
          `executor's byte domain, more than a 16-bit table holds`,
      );
    }
    offsets[w] = lo < 0 ? -lo : hi > 65535 ? 65535 - hi : 0;
  }
  const table = Uint16Array.from(m, (v, i) => v + offsets[i & 255]);
  return offsets.some((o) => o !== 0) ? { table, offsets } : { table };
}
