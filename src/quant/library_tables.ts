/**
 * Resolving multipliers from the library (src/multipliers/): each one's energy per
 * multiplication from its info, its product table (simulated and checked against the recorded
 * digest) and the table's decomposition, once, for the whole run (multipliers.ts).
 */
import {
  getMultiplier,
  type LibraryOptions,
  listMultipliers,
  multiplierTable,
} from "../multipliers/library.ts";
import { type ResolvedLibrary, withDecompositions } from "./multipliers.ts";

/** The library multipliers `names`, in that order, each once; unknown names throw with close
 * names. */
export async function resolveLibrary(
  names: string[],
  options?: LibraryOptions,
): Promise<ResolvedLibrary> {
  const library: ResolvedLibrary = [];
  for (const name of new Set(names)) {
    const info = await getMultiplier(name, options);
    library.push({ name, energyPj: info.energyPj, table: await multiplierTable(name, options) });
  }
  return withDecompositions(library);
}

let whole: Promise<ResolvedLibrary> | undefined;

/** Every multiplier of the default library (what a worker pool gets when not told), resolved
 * once per process. */
export function wholeLibrary(): Promise<ResolvedLibrary> {
  // The 8x8 unsigned circuits: the executor's tables are 8x8 unsigned.
  whole ??= listMultipliers().then((all) =>
    resolveLibrary(all.filter((m) => m.weightBits === 8 && !m.signed).map((m) => m.name))
  );
  whole.catch(() => (whole = undefined));
  return whole;
}
