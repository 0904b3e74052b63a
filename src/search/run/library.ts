/**
 * The multipliers a run's genes choose from, as the search sees them: a name and an energy
 * per multiplication. The list starts with the exact multiplier, which is also the fallback
 * of a gene index the run's list does not hold.
 */
import { UsageError } from "../../cli/args.ts";
import { EXACT_NAME, listMultipliers } from "../../multipliers/library.ts";
import type { Multiplier } from "../../quant/multipliers.ts";

/** A multiplier as the search sees it: its name and its energy per multiplication (a run
 * passes its resolved multipliers, src/quant/multipliers.ts). */
export type LibraryEntry = Pick<Multiplier, "name" | "energyPj">;

/** Energy per multiplication (pJ) by multiplier name; NaN for a name `library` lacks. */
export function energyPerMult(library: LibraryEntry[]): (name: string) => number {
  const byName = new Map(library.map((m) => [m.name, m.energyPj]));
  return (name) => byName.get(name) ?? NaN;
}

/**
 * The library names a run's genes index, from the names it was given (none: the whole
 * library), exact first (it is also the fallback): the list a run directory stores.
 */
export async function libraryNames(names: string[]): Promise<string[]> {
  const all = await listMultipliers();
  const known = new Set(all.map((m) => m.name));
  const chosen = names.length ? names : all.map((m) => m.name);
  for (const n of chosen) {
    if (!known.has(n)) {
      throw new UsageError(
        `--multipliers: '${n}' is not in the library (see deno task multipliers list)`,
      );
    }
  }
  return [EXACT_NAME, ...chosen.filter((n) => n !== EXACT_NAME)];
}
