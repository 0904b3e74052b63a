/**
 * Exhaustive bit-parallel simulation of a multiplier netlist over all 65,536 operand pairs.
 *
 * Every wire holds 2048 uint32 words, one bit per operand pair: pair p = a * 256 + b sits in
 * word p >>> 5, bit p & 31. So A's bits are constant across a word (a = word >>> 3) and B's
 * low five bits follow fixed masks inside every word. Each cell then costs 2048 word
 * operations for all pairs at once. An 8xN netlist reads only B[0..N-1], so its pairs repeat
 * every 2^N values of b: its table keeps the first 2^N of each row, and signal probabilities
 * over all 65,536 pairs equal those over its 256 x 2^N.
 */
import { firstOutputs, type Netlist, OPERAND_BITS, operandsOf, wireCount } from "./netlist.ts";
import { tableSize } from "./products.ts";

export const PAIRS = 65536;
export const WORDS = PAIRS / 32;

/** In-word masks of B[0..4] (bit t of the word is pair b = 32 * (word & 7) + t). */
const B_LOW_MASKS = [0xaaaaaaaa, 0xcccccccc, 0xf0f0f0f0, 0xff00ff00, 0xffff0000];

export interface Simulation {
  /** The product table (products.ts): 256 x 2^N products, index a * 2^N + b. */
  table: Uint16Array;
  /**
   * Signal probability of every wire (share of the 65,536 pairs where it reads 1), indexed
   * by wire number; constants read 0 and 1.
   */
  ones: Float64Array;
}

/** The wire values of constants and operand bits, for all pairs. */
function writeInputs(values: Uint32Array): void {
  values.fill(0, 0, WORDS);
  values.fill(0xffffffff, WORDS, 2 * WORDS);
  for (let i = 0; i < OPERAND_BITS; i++) {
    const a = values.subarray((2 + i) * WORDS, (3 + i) * WORDS);
    const b = values.subarray((2 + OPERAND_BITS + i) * WORDS, (3 + OPERAND_BITS + i) * WORDS);
    for (let w = 0; w < WORDS; w++) {
      a[w] = ((w >>> 3) >>> i) & 1 ? 0xffffffff : 0;
      b[w] = i < 5 ? B_LOW_MASKS[i] : (((w & 7) >>> (i - 5)) & 1 ? 0xffffffff : 0);
    }
  }
}

/** Word values of every wire: wire w occupies words [w * 2048, (w + 1) * 2048). */
export function simulateWires(netlist: Netlist): Uint32Array {
  const values = new Uint32Array(wireCount(netlist) * WORDS);
  writeInputs(values);
  const first = firstOutputs(netlist);
  netlist.cells.forEach((cell, i) => {
    const o = first[i] * WORDS;
    const x = cell.inputs[0] * WORDS;
    const y = (cell.inputs[1] ?? 0) * WORDS;
    const z = (cell.inputs[2] ?? 0) * WORDS;
    const v = values;
    switch (cell.kind) {
      case "BUF":
        for (let w = 0; w < WORDS; w++) v[o + w] = v[x + w];
        break;
      case "NOT":
        for (let w = 0; w < WORDS; w++) v[o + w] = ~v[x + w];
        break;
      case "AND2":
        for (let w = 0; w < WORDS; w++) v[o + w] = v[x + w] & v[y + w];
        break;
      case "OR2":
        for (let w = 0; w < WORDS; w++) v[o + w] = v[x + w] | v[y + w];
        break;
      case "XOR2":
        for (let w = 0; w < WORDS; w++) v[o + w] = v[x + w] ^ v[y + w];
        break;
      case "NAND2":
        for (let w = 0; w < WORDS; w++) v[o + w] = ~(v[x + w] & v[y + w]);
        break;
      case "NOR2":
        for (let w = 0; w < WORDS; w++) v[o + w] = ~(v[x + w] | v[y + w]);
        break;
      case "XNOR2":
        for (let w = 0; w < WORDS; w++) v[o + w] = ~(v[x + w] ^ v[y + w]);
        break;
      case "MUX2":
        for (let w = 0; w < WORDS; w++) {
          const s = v[x + w];
          v[o + w] = (v[y + w] & ~s) | (v[z + w] & s);
        }
        break;
      case "HA":
        for (let w = 0; w < WORDS; w++) {
          const a = v[x + w], b = v[y + w];
          v[o + w] = a ^ b;
          v[o + WORDS + w] = a & b;
        }
        break;
      case "FA":
        for (let w = 0; w < WORDS; w++) {
          const a = v[x + w], b = v[y + w], c = v[z + w];
          const t = a ^ b;
          v[o + w] = t ^ c;
          v[o + WORDS + w] = (a & b) | (c & t);
        }
        break;
      default:
        throw new Error(`cell ${i}: cannot simulate kind '${cell.kind}'`);
    }
  });
  return values;
}

/** O[15:0] of every pair of the netlist's operands, as a product table. */
function gatherTable(netlist: Netlist, values: Uint32Array): Uint16Array {
  const full = gatherAllPairs(netlist, values);
  const n = operandsOf(netlist).weightBits;
  if (n === OPERAND_BITS) return full;
  const table = new Uint16Array(tableSize(n));
  for (let a = 0; a < 256; a++) table.set(full.subarray(a * 256, a * 256 + (1 << n)), a << n);
  return table;
}

/** Gathers O[15:0] of all 65,536 pairs, index a * 256 + b. */
function gatherAllPairs(netlist: Netlist, values: Uint32Array): Uint16Array {
  const table = new Uint16Array(PAIRS);
  netlist.outputs.forEach((wire, k) => {
    const base = wire * WORDS;
    const bit = 1 << k;
    for (let w = 0; w < WORDS; w++) {
      let word = values[base + w];
      // Visit only the set bits of the word.
      while (word !== 0) {
        const t = 31 - Math.clz32(word & -word);
        table[(w << 5) | t] |= bit;
        word &= word - 1;
      }
    }
  });
  return table;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Product table and every wire's signal probability. */
export function simulate(netlist: Netlist): Simulation {
  const values = simulateWires(netlist);
  const count = values.length / WORDS;
  const ones = new Float64Array(count);
  for (let wire = 0; wire < count; wire++) {
    let n = 0;
    const base = wire * WORDS;
    for (let w = 0; w < WORDS; w++) n += popcount(values[base + w]);
    ones[wire] = n / PAIRS;
  }
  return { table: gatherTable(netlist, values), ones };
}

/** Only the product table (index a * 2^N + b; a * 256 + b for 8x8). */
export function simulateTable(netlist: Netlist): Uint16Array {
  return gatherTable(netlist, simulateWires(netlist));
}

/**
 * Toggle probability of a wire between two consecutive, independent, uniformly random
 * operand pairs: P(0 then 1) + P(1 then 0) = 2 p (1 - p) for signal probability p. This is
 * exact under that input model, and ignores glitches (zero-delay model).
 */
export function toggleProbability(ones: number): number {
  return 2 * ones * (1 - ones);
}
