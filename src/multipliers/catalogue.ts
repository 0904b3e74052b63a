/**
 * The project's own multipliers: every circuit of data/multipliers/, with its stable name,
 * family, parameters, a one-line note of how it was made, and the generator that builds it.
 * scripts/generate_multipliers.ts turns this list into the committed library.
 */
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

/** The catalogue, in library order. */
export const CATALOGUE: readonly CatalogueEntry[] = entries();
