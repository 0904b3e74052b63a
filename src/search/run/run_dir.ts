/**
 * A search run's directory:
 *   config.json          the settings and seed (written once)
 *   evaluations.jsonl    one line per candidate evaluation, appended and synced as each ends
 *   checkpoint.json      generations done, current parents, hypervolume (atomic rewrite)
 *   final.jsonl          the retrained Pareto networks, one line each
 *   models/              the retrained Pareto networks as model files
 *   models/search/       the current parents as trained during the search (others pruned)
 *   pareto.csv, pareto.md, charts/*.png, log.txt
 *   lock                 held by the one process at work on the run (src/util/dir_lock.ts)
 * Everything needed to resume is in the first four; nothing finished is lost by a kill. Each
 * file is checked when read back (its schema in record.ts or config.ts, run_checks.ts).
 */
import { readJsonFile } from "../../util/json_file.ts";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { type DirLock, lockDirectory } from "../../util/dir_lock.ts";
import { faultWhile } from "../../util/environment_fault.ts";
import { join } from "node:path";
import { type EvolveConfig, EvolveConfigSchema } from "./config.ts";
import {
  type Checkpoint,
  CheckpointSchema,
  type EvaluationRecord,
  EvaluationRecordSchema,
  type FinalRecord,
  FinalRecordSchema,
} from "./record.ts";
import { appendJsonLine, readJsonLineEntries } from "../../util/json_lines.ts";
import {
  checkCheckpoint,
  checkEvaluations,
  checkFinals,
  checkWithoutCheckpoint,
} from "./run_checks.ts";

export class RunDir {
  constructor(readonly path: string) {}

  file(name: string): string {
    return join(this.path, name);
  }

  async hasFile(rel: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.file(rel))).isFile;
    } catch {
      return false;
    }
  }

  async exists(): Promise<boolean> {
    try {
      await Deno.stat(this.file("config.json"));
      return true;
    } catch {
      return false;
    }
  }

  async create(config: EvolveConfig): Promise<void> {
    if (await this.exists()) {
      throw new Error(
        `Run directory '${this.path}' already holds a run: use --resume ${this.path}, or another --run`,
      );
    }
    await Deno.mkdir(join(this.path, "models"), { recursive: true });
    await Deno.mkdir(join(this.path, "charts"), { recursive: true });
    await writeFileAtomic(this.file("config.json"), JSON.stringify(config, null, 2) + "\n");
  }

  /** The stored config, checked against its schema. */
  async readConfig(): Promise<EvolveConfig> {
    const config = await readJsonFile(this.file("config.json"), EvolveConfigSchema).catch(
      (e) => {
        throw new Error(`Cannot resume: ${(e as Error).message}`);
      },
    );
    if (config === null) throw new Error(`Cannot resume '${this.path}': it has no config.json`);
    return config;
  }

  async writeConfig(config: EvolveConfig): Promise<void> {
    await writeFileAtomic(this.file("config.json"), JSON.stringify(config, null, 2) + "\n");
  }

  /** The evaluations written so far, each checked, and against the config; a last line cut
   * short by a kill is dropped. */
  async readEvaluations(): Promise<EvaluationRecord[]> {
    const config = await this.readConfig();
    const file = this.file("evaluations.jsonl");
    const entries = await readJsonLineEntries(
      file,
      true,
      EvaluationRecordSchema,
      (all) => checkEvaluations(config, all, file),
    );
    return (entries ?? []).map((e) => e.value);
  }

  appendEvaluation(rec: EvaluationRecord): Promise<void> {
    return appendJsonLine(this.file("evaluations.jsonl"), rec);
  }

  /** The final records, the last line of each id (a re-choice appends a newer one). */
  async readFinal(): Promise<FinalRecord[]> {
    const evaluated = new Set((await this.readEvaluations()).map((r) => r.id));
    const file = this.file("final.jsonl");
    const entries = await readJsonLineEntries(
      file,
      true,
      FinalRecordSchema,
      (all) => checkFinals(all, evaluated, file),
    );
    return [...new Map((entries ?? []).map((e) => [e.value.id, e.value])).values()];
  }

  appendFinal(rec: FinalRecord): Promise<void> {
    return appendJsonLine(this.file("final.jsonl"), rec);
  }

  /** Writes a candidate's model file atomically; returns its run-relative path. */
  async writeSearchModel(id: string, bytes: Uint8Array): Promise<string> {
    const rel = join("models", "search", `${id}.apxnet`);
    await Deno.mkdir(this.file(join("models", "search")), { recursive: true });
    await writeFileAtomic(this.file(rel), bytes);
    return rel;
  }

  /** Deletes the search's model files other than `keep` (run-relative paths). */
  async pruneSearchModels(keep: string[]): Promise<void> {
    const kept = new Set(keep.map((p) => this.file(p)));
    const dir = this.file(join("models", "search"));
    try {
      for await (const e of Deno.readDir(dir)) {
        const path = join(dir, e.name);
        if (e.isFile && !kept.has(path)) await Deno.remove(path);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }

  /** The checkpoint (null before the first generation is done), checked against its schema,
   * the config and the evaluations it summarises. */
  async readCheckpoint(): Promise<Checkpoint | null> {
    const file = this.file("checkpoint.json");
    const checkpoint = await readJsonFile(file, CheckpointSchema).catch((e) => {
      throw new Error(`Cannot resume: ${(e as Error).message}`);
    });
    if (!(await this.exists())) return checkpoint;
    const evaluations = this.file("evaluations.jsonl");
    const records = await this.readEvaluations();
    if (checkpoint === null) checkWithoutCheckpoint(records, evaluations);
    else {
      checkCheckpoint(await this.readConfig(), checkpoint, records, {
        checkpoint: file,
        evaluations,
      });
    }
    return checkpoint;
  }

  async writeCheckpoint(c: Checkpoint): Promise<void> {
    await writeFileAtomic(this.file("checkpoint.json"), JSON.stringify(c, null, 2) + "\n").catch(
      (e) => {
        throw faultWhile(e, `writing checkpoint.json after generation ${c.completed}`);
      },
    );
  }

  /** Appends to log.txt, a diary of the run: a failure to write there never stops the run
   * (a full disk stops it at the next file that matters, which says so). */
  async log(line: string): Promise<void> {
    const text = `${new Date().toISOString()} ${line}\n`;
    await Deno.writeTextFile(this.file("log.txt"), text, { append: true }).catch(() => {});
  }

  /** Removes the temporary files (`*.tmp-*`) a killed process left; call it holding the
   * lock (no writer is at work then). Returns their run-relative paths. */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    for (const sub of [".", "models", join("models", "search"), "charts"]) {
      try {
        for await (const e of Deno.readDir(this.file(sub))) {
          if (!e.isFile || !/\.tmp-[0-9a-f]{8}$/.test(e.name)) continue;
          await Deno.remove(this.file(join(sub, e.name)));
          removed.push(join(sub, e.name));
        }
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    return removed;
  }

  /** Takes this run's lock (one writer per run directory; src/util/dir_lock.ts). */
  lock(): Promise<DirLock> {
    return lockDirectory(this.path, "run directory");
  }
}
