/** What the library knows about one multiplier, as the API hands it out and the files store it. */
import type { Characterisation } from "./characterise.ts";
import type { ErrorMetrics } from "./metrics.ts";
import type { CellKind } from "./netlist.ts";
import type { Parameters } from "./catalogue.ts";

export interface MultiplierInfo {
  /** Stable name, e.g. mul8u_trunc6. */
  name: string;
  /** One line: how the circuit was made. */
  note: string;
  /** Family of designs (exact, truncated, broken-array, ..., imported). */
  family: string;
  /** The family's parameters. */
  parameters: Parameters;
  /** Part of the project's library, or imported by a user. */
  source: "library" | "imported";
  /** Width N of the weight operand B (8 for 8x8; 2..7 for an 8xN multiplier). */
  weightBits: number;
  /** Two's complement operands and product (else unsigned). */
  signed: boolean;
  /** A gate-level netlist, or only a product table (imported .bin). */
  kind: "netlist" | "table";
  /** "model": estimated from the netlist (cost.ts); "given": supplied at import. */
  costSource: "model" | "given";
  /** Cells in the netlist (0 for a table). */
  cells: number;
  /** Cells per kind. */
  gates: Partial<Record<CellKind, number>>;
  /** Model estimate (or given figure) of the power, mW, anchored to 0.391 mW for the exact one. */
  powerMw: number;
  /** Power relative to the exact array multiplier. */
  relativePower: number;
  /** Model estimate (or given figure) of the area, um^2, anchored to 709.6 um^2. */
  areaUm2: number;
  relativeArea: number;
  /** Energy per multiplication = power x 1.43 ns, pJ. */
  energyPj: number;
  /** Exhaustive error metrics over all 256 x 2^N operand pairs (metrics.ts). */
  metrics: ErrorMetrics;
  /** SHA-256 of the table (256 x 2^N little-endian uint16, index a * 2^N + b; products.ts). */
  tableSha256: string;
}

/** Rounds to 8 significant digits, so stored figures are short and stable. */
export function round8(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(8));
}

export function roundMetrics(m: ErrorMetrics): ErrorMetrics {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, round8(v)]),
  ) as unknown as ErrorMetrics;
}

/** The info of a characterised netlist. */
export function infoFromCharacterisation(
  base: Pick<MultiplierInfo, "name" | "note" | "family" | "parameters" | "source">,
  c: Characterisation,
  tableSha256: string,
): MultiplierInfo {
  return {
    ...base,
    weightBits: c.operands.weightBits,
    signed: c.operands.signed,
    kind: "netlist",
    costSource: "model",
    cells: c.cells,
    gates: c.gates,
    powerMw: round8(c.powerMw),
    relativePower: round8(c.relativePower),
    areaUm2: round8(c.areaUm2),
    relativeArea: round8(c.relativeArea),
    energyPj: round8(c.energyPj),
    metrics: roundMetrics(c.metrics),
    tableSha256,
  };
}

/** Bytes of a table as stored in .bin files: little-endian uint16. */
export function tableBytes(table: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(table.length * 2);
  const view = new DataView(bytes.buffer);
  table.forEach((v, i) => view.setUint16(2 * i, v, true));
  return bytes;
}

/** SHA-256 (hex) of a table's little-endian bytes. */
export async function tableSha256(table: Uint16Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", tableBytes(table) as BufferSource),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
