/**
 * The run `deno task evolve` works on, from its flags: a new run directory holding the
 * preset with the flags' settings, or a stored run resumed with the settings that may change;
 * and the library its genes index, resolved once. The run directory is locked first (one
 * writer per run), and a resumed run's files are all read and checked before anything is
 * changed: a refused resume leaves config.json as it was.
 */
import { join } from "node:path";
import { UsageError } from "../../cli/args.ts";
import { type DirLock, staleLockNote } from "../../util/dir_lock.ts";
import { checkEvolveConfig, type EvolveConfig } from "./config.ts";
import {
  checkResumeFlags,
  configFromFlags,
  type EvolveFlags,
  listFlag,
  resumedConfig,
} from "./flags.ts";
import { libraryNames } from "./library.ts";
import { resolveLibrary } from "../../quant/library_tables.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import type { Checkpoint, EvaluationRecord } from "./record.ts";
import { RunDir } from "./run_dir.ts";
import { readInitialPopulation } from "./warm_start.ts";
import { checkWorkers } from "./workers.ts";
import { checkRetrainIds } from "./retrain_ids.ts";

export interface OpenedRun {
  dir: RunDir;
  config: EvolveConfig;
  /** The multipliers of config.multipliers (energies, tables, decompositions), in order,
   * exact first: resolved once, then passed as it is to the workers. */
  library: ResolvedLibrary;
  /** Held until the process ends (or released). */
  lock: DirLock;
  /** What to tell the user before the run goes on: a stale lock taken over, what a resume
   * found and what is left. */
  notes: string[];
}

/** Checks the flags, then resumes the run they name or creates a new one. */
export async function openRun(f: EvolveFlags): Promise<OpenedRun> {
  checkResumeFlags(f);
  const retrain = f.retrain === undefined ? [] : listFlag("retrain", f.retrain);
  if (f.resume !== undefined) return await resumeRun(new RunDir(String(f.resume)), f, retrain);
  const config = configFromFlags(f);
  checkWorkers(config.workers, f.workers === undefined ? "workers (one per core)" : "--workers");
  checkRetrainIds(config, retrain);
  config.multipliers = await libraryNames(config.multipliers);
  if (f["init-from"] !== undefined) {
    config.initial = await readInitialPopulation(String(f["init-from"]), config);
  }
  const dir = new RunDir(String(f.run ?? join("runs", `evolve-${config.preset}-s${config.seed}`)));
  const lock = await dir.lock();
  try {
    await dir.create(config);
  } catch (e) {
    lock.release();
    throw e;
  }
  const notes = lock.stale ? [staleLockNote(dir.path, lock.stale)] : [];
  return { dir, config, library: await resolveLibrary(config.multipliers), lock, notes };
}

async function resumeRun(dir: RunDir, f: EvolveFlags, retrain: string[]): Promise<OpenedRun> {
  await dir.readConfig(); // a directory that holds no run is not created by the lock
  const lock = await dir.lock();
  try {
    const stored = await dir.readConfig();
    const config = checkEvolveConfig(resumedConfig(stored, f), "the resumed config");
    checkWorkers(config.workers, f.workers === undefined ? "the run's workers" : "--workers");
    // Read and checked (each file, and against one another) before anything is written.
    const evaluations = await dir.readEvaluations();
    const checkpoint = await dir.readCheckpoint();
    const finals = (await dir.readFinal()).length;
    const started = Math.max(-1, ...evaluations.map((r) => r.generation));
    if (config.generations < started) {
      throw new UsageError(
        `--generations ${config.generations} is below what the run has done: its log holds ` +
          `generation ${started} (${dir.file("evaluations.jsonl")}); a run can be extended, ` +
          `not shortened: give --generations ${started} or more`,
      );
    }
    checkRetrainIds(
      config,
      retrain,
      evaluations,
      checkpoint?.completed ?? -1,
      dir.file("evaluations.jsonl"),
    );
    if (config.generations !== stored.generations) await dir.writeConfig(config);
    const leftovers = await dir.removeLeftovers();
    const notes = [
      ...(lock.stale ? [staleLockNote(dir.path, lock.stale)] : []),
      ...(leftovers.length
        ? [`removed what a stopped process was writing: ${leftovers.join(", ")}`]
        : []),
      resumeNote(dir, config, evaluations, checkpoint, finals),
    ];
    const library = await resolveLibrary(await libraryNames(config.multipliers));
    return { dir, config, library, lock, notes };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** What a resume found in the run directory and what is left to do. */
export function resumeNote(
  dir: RunDir,
  config: EvolveConfig,
  evaluations: EvaluationRecord[],
  checkpoint: Checkpoint | null,
  finals: number,
): string {
  const total = config.population + config.offspring * config.generations;
  const done = checkpoint
    ? `generation ${checkpoint.completed} of ${config.generations} done` +
      (checkpoint.completed === 0 ? " (the first population)" : "")
    : "the first population not yet done";
  const left = total - evaluations.length;
  return `resuming ${dir.path}: ${evaluations.length} evaluation(s) in its log, ${done}; ` +
    (left > 0 ? `left: ${left} evaluation(s), then the final retraining` : "the search is done") +
    ` (${finals} network(s) retrained so far)`;
}
