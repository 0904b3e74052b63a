/**
 * The project's own multipliers: every circuit of data/multipliers/, with its stable name,
 * family, parameters, a one-line note of how it was made, and the generator that builds it.
 * scripts/generate_multipliers.ts turns this list into the committed library.
 *
 * Names follow the approximate-circuit libraries: mul8u_ (8x8 unsigned), mul8s_ (8x8 two's
 * complement), mul8xNu_ and mul8xNs_ (8-bit activation, N-bit weight), then the design.
 */
import type { ArrayShape } from "./generators/array.ts";
import type { Netlist } from "./netlist.ts";
import {
  brokenArray,
  drum,
  exactArray,
  mitchell,
  operandTruncation,
  orLower,
  perforated,
  truncated,
  truncationCompensation,
  underdesigned,
} from "./generators/families.ts";

export type Parameters = Record<string, number | boolean>;

export interface CatalogueEntry {
  name: string;
  family: string;
  parameters: Parameters;
  note: string;
  build: () => Netlist;
}

export const EXACT_NAME = "mul8u_exact";

function entries(): CatalogueEntry[] {
  const list: CatalogueEntry[] = [{
    name: EXACT_NAME,
    family: "exact",
    parameters: {},
    note: "exact carry-save array multiplier: 64 AND2 partial products, 48 FA + 8 HA",
    build: exactArray,
  }];
  for (const k of [2, 4, 6, 8, 10, 12]) {
    list.push({
      name: `mul8u_trunc${k}`,
      family: "truncated",
      parameters: { columns: k, compensated: false },
      note: `array multiplier without the partial products of the ${k} least significant columns`,
      build: () => truncated(k),
    });
  }
  for (const k of [4, 6, 8, 10]) {
    list.push({
      name: `mul8u_trunc${k}c`,
      family: "truncated",
      parameters: { columns: k, compensated: true },
      note: `truncated as mul8u_trunc${k}, plus the constant ${truncationCompensation(k)} ` +
        `(mean dropped value rounded to a multiple of 2^${k})`,
      build: () => truncated(k, true),
    });
  }
  for (const [h, v] of [[1, 4], [1, 6], [2, 6], [2, 8], [3, 9], [4, 10], [5, 11]]) {
    list.push({
      name: `mul8u_bam_h${h}v${v}`,
      family: "broken-array",
      parameters: { hbl: h, vbl: v },
      note: `broken-array multiplier: cells of rows B[0..${
        h - 1
      }] and of weights below ${v} omitted`,
      build: () => brokenArray(h, v),
    });
  }
  for (const [a, b] of [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6], [4, 0]]) {
    list.push({
      name: `mul8u_ot_a${a}b${b}`,
      family: "operand-truncation",
      parameters: { aBits: a, bBits: b },
      note: b > 0
        ? `operand truncation: the ${a} low bits of A and ${b} of B read as 0 (${8 - a}x${
          8 - b
        } array)`
        : `operand truncation: the ${a} low bits of A read as 0 (${8 - a}x8 array)`,
      build: () => operandTruncation(a, b),
    });
  }
  for (const [j, k] of [[1, 1], [1, 2], [2, 2], [1, 3], [1, 4]]) {
    list.push({
      name: `mul8u_perf_j${j}k${k}`,
      family: "perforated",
      parameters: { start: j, rows: k },
      note: k === 1
        ? `partial-product perforation: row B[${j}] not generated`
        : `partial-product perforation: rows B[${j}..${j + k - 1}] not generated`,
      build: () => perforated(j, k),
    });
  }
  for (const k of [4, 6, 8, 10]) {
    list.push({
      name: `mul8u_orl${k}`,
      family: "or-lower",
      parameters: { columns: k },
      note:
        `array multiplier whose adders in the ${k} least significant columns are ORs (no carries)`,
      build: () => orLower(k),
    });
  }
  list.push({
    name: "mul8u_udm",
    family: "underdesigned",
    parameters: {},
    note:
      "Kulkarni et al.'s under-designed multiplier: 16 approximate 2x2 blocks (3x3=7), exact sum",
    build: underdesigned,
  });
  for (const f of [7, 4, 2]) {
    list.push({
      name: f === 7 ? "mul8u_mitchell" : `mul8u_mitchell_f${f}`,
      family: "logarithmic",
      parameters: { fractionBits: f },
      note: f === 7
        ? "Mitchell's logarithmic multiplier: leading-one detectors, 7-bit fraction adder, shifter"
        : `Mitchell's logarithmic multiplier with fractions truncated to ${f} bits`,
      build: () => mitchell(f),
    });
  }
  for (const k of [3, 4, 5, 6]) {
    list.push({
      name: `mul8u_drum${k}`,
      family: "dynamic-range",
      parameters: { segmentBits: k },
      note:
        `DRUM: ${k}-bit segments from the leading ones (lowest bit set to 1), ${k}x${k} array, shift`,
      build: () => drum(k),
    });
  }
  return list;
}

/** The name prefix of a shape: mul8u, mul8s, mul8x4u, ... */
export function namePrefix(shape: ArrayShape): string {
  const width = shape.weightBits === 8 ? "" : `x${shape.weightBits}`;
  return `mul8${width}${shape.signed ? "s" : "u"}`;
}

function shapeNote(shape: ArrayShape): string {
  const kind = shape.signed ? "two's complement (Baugh-Wooley) " : "";
  return shape.weightBits === 8 ? kind : `${kind}8x${shape.weightBits} `;
}

/** Which array designs a shape gets, by family. */
interface ArrayDesigns {
  trunc?: number[];
  bam?: [number, number][];
  ot?: [number, number][];
  perf?: [number, number][];
  orl?: number[];
}

/** Array designs for other shapes: the families whose definition carries over. */
function arrayEntries(shape: ArrayShape, designs: ArrayDesigns): CatalogueEntry[] {
  const p = namePrefix(shape), n = shapeNote(shape);
  const list: CatalogueEntry[] = [{
    name: `${p}_exact`,
    family: "exact",
    parameters: {},
    note: `exact ${n}array multiplier`,
    build: () => exactArray(shape),
  }];
  for (const k of designs.trunc ?? []) {
    list.push({
      name: `${p}_trunc${k}`,
      family: "truncated",
      parameters: { columns: k, compensated: false },
      note: `${n}array without the partial products of the ${k} least significant columns`,
      build: () => truncated(k, false, shape),
    });
  }
  for (const [h, v] of designs.bam ?? []) {
    list.push({
      name: `${p}_bam_h${h}v${v}`,
      family: "broken-array",
      parameters: { hbl: h, vbl: v },
      note: `${n}broken array: cells of rows B[0..${h - 1}] and of weights below ${v} omitted`,
      build: () => brokenArray(h, v, shape),
    });
  }
  for (const [a, b] of designs.ot ?? []) {
    list.push({
      name: `${p}_ot_a${a}b${b}`,
      family: "operand-truncation",
      parameters: { aBits: a, bBits: b },
      note: `${n}operand truncation: the ${a} low bits of A and ${b} of B read as 0`,
      build: () => operandTruncation(a, b, shape),
    });
  }
  for (const [j, k] of designs.perf ?? []) {
    list.push({
      name: `${p}_perf_j${j}k${k}`,
      family: "perforated",
      parameters: { start: j, rows: k },
      note: `${n}partial-product perforation: rows B[${j}..${j + k - 1}] not generated`,
      build: () => perforated(j, k, shape),
    });
  }
  for (const k of designs.orl ?? []) {
    list.push({
      name: `${p}_orl${k}`,
      family: "or-lower",
      parameters: { columns: k },
      note: `${n}array whose adders in the ${k} least significant columns are ORs`,
      build: () => orLower(k, shape),
    });
  }
  return list;
}

/** Signed 8x8, then 8xN unsigned and signed circuits (N = 2..7). */
function otherShapes(): CatalogueEntry[] {
  const list = arrayEntries({ weightBits: 8, signed: true }, {
    trunc: [4, 6, 8],
    bam: [[1, 6], [2, 8]],
    ot: [[2, 2], [4, 4]],
    perf: [[1, 2]],
    orl: [6],
  });
  const approximate: Record<number, ArrayDesigns> = {
    2: { trunc: [2] },
    4: { trunc: [2, 4, 6], bam: [[1, 4]], ot: [[2, 1]], perf: [[1, 1]], orl: [4] },
    6: { trunc: [4, 6], bam: [[1, 6]], orl: [6] },
  };
  for (const signed of [false, true]) {
    for (let n = 2; n <= 7; n++) {
      const designs = signed ? (n === 4 ? { trunc: [4], orl: [4] } : {}) : approximate[n] ?? {};
      list.push(...arrayEntries({ weightBits: n, signed }, designs));
    }
  }
  return list;
}

/** The catalogue, in library order: the 8x8 unsigned circuits first. */
export const CATALOGUE: readonly CatalogueEntry[] = [...entries(), ...otherShapes()];
