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
import { type Multiplier, type ResolvedLibrary, withDecompositions } from "./multipliers.ts";
import { executorTable, weightCodeOf } from "./multiplier_table.ts";
import { BYTE_WEIGHTS, sameCode } from "./weight_code.ts";

/** The library multipliers `names`, in that order, each once; unknown names throw with close
 * names. */
export async function resolveLibrary(
  names: string[],
  options?: LibraryOptions,
): Promise<ResolvedLibrary> {
  const library: ResolvedLibrary = [];
  for (const name of new Set(names)) {
    const info = await getMultiplier(name, options);
    const { table, offsets } = executorTable(await multiplierTable(name, options), info, name);
    const m: Multiplier = { name, energyPj: info.energyPj, table };
    const code = weightCodeOf(info);
    if (!sameCode(code, BYTE_WEIGHTS)) m.weights = code;
    if (offsets) m.offsets = offsets;
    library.push(m);
  }
  return withDecompositions(library);
}

let whole: Promise<ResolvedLibrary> | undefined;

/** Every multiplier of the default library (what a worker pool gets when not told), resolved
 * once per process. */
export function wholeLibrary(): Promise<ResolvedLibrary> {
  whole ??= listMultipliers().then((all) => resolveLibrary(all.map((m) => m.name)));
  whole.catch(() => (whole = undefined));
  return whole;
}
