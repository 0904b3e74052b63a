/**
 * The multipliers a run uses, resolved once: each one's name, energy per multiplication,
 * product table and the table's decomposition (which the dot path needs). A run resolves its
 * library from the command line or config (library_tables.ts `resolveLibrary`, or a model
 * file's tables) and passes that one object as it is down to the kernels, workers included:
 * it is plain data, so a worker gets it by structured clone, and no worker reads the library
 * files again.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import { decomposeTable, type TableDecomposition } from "./decompose.ts";
import type { WeightCode } from "./weight_code.ts";

export interface Multiplier {
  name: string;
  /** Energy of one multiplication, pJ (the library's model estimate); NaN when unknown. */
  energyPj: number;
  /**
   * The 65,536 products in the executor's byte domain, index a * 256 + b: the circuit's own
   * table for 8x8 unsigned circuits, else as multiplier_table.ts lifts it.
   */
  table: Uint16Array;
  /** How a layer's weights are coded for it (absent: 8-bit unsigned). */
  weights?: WeightCode;
  /** Per weight byte, the constant added to its table column (multiplier_table.ts). */
  offsets?: Int32Array;
  /** The table as integer rank-1 terms (decompose.ts), null when it has none within
   * DECOMPOSITION_TERMS; absent until `decompositionOf` first looks for it. */
  decomposition?: TableDecomposition | null;
}

/** The multipliers of a run. Where one is a fallback (the search's genes), exact comes first. */
export type ResolvedLibrary = Multiplier[];

/** Most rank-1 terms a decomposition is looked for with (the dot path takes fewer). */
export const DECOMPOSITION_TERMS = 8;

/** A multiplier known only by its table (tests, tables carried by a model file). */
export function tableMultiplier(name: string, table: Uint16Array, energyPj = NaN): Multiplier {
  return { name, energyPj, table };
}

/** The table's decomposition, looked for once per multiplier object. */
export function decompositionOf(m: Multiplier): TableDecomposition | null {
  if (m.decomposition === undefined) {
    m.decomposition = decomposeTable(m.table, { maxTerms: DECOMPOSITION_TERMS });
  }
  return m.decomposition;
}

/** Finds every decomposition (before a library goes to workers, so each is found once). */
export function withDecompositions(library: ResolvedLibrary): ResolvedLibrary {
  for (const m of library) decompositionOf(m);
  return library;
}

/** The multiplier `name` of `library`, or undefined. */
export function findMultiplier(library: ResolvedLibrary, name: string): Multiplier | undefined {
  return library.find((m) => m.name === name);
}
