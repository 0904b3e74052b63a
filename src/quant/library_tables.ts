/**
 * Fetching what an assignment names from the multiplier library (src/multipliers/): product
 * tables for inference and energies for the energy figure.
 */
import { getMultiplier, type MultiplierInfo, multiplierTable } from "../multipliers/library.ts";
import type { MultiplierAssignment } from "./assignment.ts";

/** An assignment of library multipliers, with their tables and infos. */
export async function libraryAssignment(
  defaultName: string,
  byNode: Record<string, string>,
): Promise<{ assignment: MultiplierAssignment; infos: Record<string, MultiplierInfo> }> {
  const names = [...new Set([defaultName, ...Object.values(byNode)])];
  const infos: Record<string, MultiplierInfo> = {};
  const tables: Record<string, Uint16Array> = {};
  for (const name of names) {
    infos[name] = await getMultiplier(name);
    tables[name] = await multiplierTable(name);
  }
  return { assignment: { defaultName, byNode, tables, decompositions: {} }, infos };
}
