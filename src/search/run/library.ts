/**
 * The multipliers a run's genes choose from, as the search sees them: a name and an energy
 * per multiplication. The list starts with the exact multiplier, which is also the fallback
 * of a gene index the run's list does not hold.
 */

import type { Multiplier } from "../../quant/multipliers.ts";

/** A multiplier as the search sees it: its name and its energy per multiplication (a run
 * passes its resolved multipliers, src/quant/multipliers.ts). */
export type LibraryEntry = Pick<Multiplier, "name" | "energyPj">;

/** Energy per multiplication (pJ) by multiplier name; NaN for a name `library` lacks. */
export function energyPerMult(library: LibraryEntry[]): (name: string) => number {
  const byName = new Map(library.map((m) => [m.name, m.energyPj]));
  return (name) => byName.get(name) ?? NaN;
}
