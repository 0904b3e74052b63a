/**
 * The run `deno task evolve` works on, from its flags: a new run directory holding the
 * preset with the flags' settings, or a stored run resumed with the settings that may change;
 * and the library its genes index, resolved once.
 */
import { join } from "node:path";
import type { EvolveConfig } from "./config.ts";
import { checkResumeFlags, configFromFlags, type EvolveFlags, resumedConfig } from "./flags.ts";
import { libraryNames } from "./library.ts";
import { resolveLibrary } from "../../quant/library_tables.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import { RunDir } from "./run_dir.ts";
import { readInitialPopulation } from "./warm_start.ts";

export interface OpenedRun {
  dir: RunDir;
  config: EvolveConfig;
  /** The multipliers of config.multipliers (energies, tables, decompositions), in order,
   * exact first: resolved once, then passed as it is to the workers. */
  library: ResolvedLibrary;
}

/** Checks the flags, then resumes the run they name or creates a new one. */
export async function openRun(f: EvolveFlags): Promise<OpenedRun> {
  checkResumeFlags(f);
  if (f.resume !== undefined) {
    const dir = new RunDir(String(f.resume));
    const stored = await dir.readConfig();
    const config = resumedConfig(stored, f);
    if (config.generations !== stored.generations) await dir.writeConfig(config);
    return { dir, config, library: await resolveLibrary(await libraryNames(config.multipliers)) };
  }
  const config = configFromFlags(f);
  config.multipliers = await libraryNames(config.multipliers);
  if (f["init-from"] !== undefined) {
    config.initial = await readInitialPopulation(String(f["init-from"]), config);
  }
  const dir = new RunDir(String(f.run ?? join("runs", `evolve-${config.preset}-s${config.seed}`)));
  await dir.create(config);
  return { dir, config, library: await resolveLibrary(config.multipliers) };
}
