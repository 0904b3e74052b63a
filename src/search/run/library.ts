/**
 * The multipliers a run's genes choose from, as the search sees them: a name and an energy
 * per multiplication. The list starts with the exact multiplier, which is also the fallback
 * of a gene index the run's list does not hold.
 */

/** A multiplier as the search sees it: its name and its energy per multiplication. */
export interface LibraryEntry {
  name: string;
  energyPj: number;
}
