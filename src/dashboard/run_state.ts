/**
 * What the dashboard knows of a run directory, kept up to date by `refresh()`: the config,
 * every evaluation record, the checkpoint, the Pareto front of every evaluation, the final
 * records and the report files. Only reads; the search may be writing at the same time.
 */
import { basename, join, resolve } from "node:path";
import type { EvolveConfig } from "../search/run/config.ts";
import { checkEvolveConfig } from "../search/run/config.ts";
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../search/run/record.ts";
import { archiveFront } from "../search/loop/front.ts";
import { JsonLinesTail } from "./json_lines_tail.ts";
import { listReportFiles } from "./run_files.ts";

/** A run directory the dashboard cannot show, with the file at fault in the message. */
export class RunDirError extends Error {}

export type RunPhase = "initial population" | "searching" | "retraining" | "finished";

/** The run as `/api/run` returns it. */
export interface RunSummary {
  /** The run directory's name (its path stays on the server: a page needs no more). */
  name: string;
  config: EvolveConfig;
  checkpoint: Checkpoint | null;
  /** Ids of the Pareto front of every evaluation so far (the archive), by increasing energy. */
  front: string[];
  phase: RunPhase;
  evaluations: number;
  /** population + offspring x generations. */
  expectedEvaluations: number;
  /** Generation of the newest evaluation record (-1 before the first). */
  latestGeneration: number;
  trained: number;
  reused: number;
  infeasible: number;
  failed: number;
  /** Training plus measuring time of the trained candidates, summed over workers. */
  candidateSeconds: number;
  finals: number;
  /**
   * ISO times: when the run started (log.txt's first line, else when config.json was
   * written); the newest write to the run's files.
   */
  started: string | null;
  lastWrite: string | null;
  /** Report files present, relative to the run directory (served under /files/). */
  files: string[];
  /** Why the newest reading failed (a malformed line, a vanished file), else null. */
  problem: string | null;
}

/** What changed in one refresh. */
export interface RunChanges {
  /** Evaluation records added, the first being record number `from` (0-based). */
  evaluations: { from: number; count: number } | null;
  /** The evaluations file shrank or was replaced: clients must start over. */
  reset: boolean;
  /** The summary changed (config, checkpoint, files, problem, phase). */
  run: boolean;
  final: boolean;
}

/** A record as the page gets it: the file's record without `phenotype`, an internal key. */
export function slimRecord(r: EvaluationRecord): Omit<EvaluationRecord, "phenotype"> {
  const { phenotype: _p, ...rest } = r;
  return rest;
}

export class RunState {
  readonly path: string;
  config!: EvolveConfig;
  checkpoint: Checkpoint | null = null;
  front: string[] = [];
  problem: string | null = null;
  files: string[] = [];
  readonly #evaluations: JsonLinesTail<EvaluationRecord>;
  readonly #finals: JsonLinesTail<FinalRecord>;
  /** Each record's JSON as served (slim), parallel to the records. */
  #json: string[] = [];
  #stamps = new Map<string, string>();
  #mtimes = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();
  /** When the search first started, from log.txt's first line (ms), once known. */
  #logStart: number | undefined;

  private constructor(path: string) {
    // As given (relative when given so): messages that name its files reach the page.
    this.path = path;
    this.#evaluations = new JsonLinesTail(this.#file("evaluations.jsonl"));
    this.#finals = new JsonLinesTail(this.#file("final.jsonl"));
  }

  /** Reads a run directory, or throws a RunDirError naming what is missing or malformed. */
  static async open(path: string): Promise<RunState> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      throw new RunDirError(`'${path}' is not a run directory (${(e as Error).message})`);
    }
    if (!info.isDirectory) throw new RunDirError(`'${path}' is not a directory`);
    const state = new RunState(path);
    await state.#readConfig(true);
    await state.#pollAll(true);
    return state;
  }

  get evaluations(): readonly EvaluationRecord[] {
    return this.#evaluations.records;
  }

  get finals(): readonly FinalRecord[] {
    return this.#finals.records;
  }

  /** JSON text of records `since`.. (slim), joined as the body of a JSON array. */
  evaluationsJson(since: number): string {
    return this.#json.slice(Math.max(0, since)).join(",");
  }

  /** Reads what changed on disk. Calls run one after another, never interleaved. */
  refresh(): Promise<RunChanges> {
    const next = this.#queue.then(() => this.#pollAll(false));
    this.#queue = next.catch(() => {});
    return next;
  }

  summary(): RunSummary {
    const c = this.config;
    const records = this.evaluations;
    let trained = 0, reused = 0, infeasible = 0, failed = 0, seconds = 0, latest = -1;
    for (const r of records) {
      if (r.error) failed++;
      else if (r.violation > 0) infeasible++;
      else if (r.reusedFrom) reused++;
      else trained++;
      if (r.seconds) seconds += r.seconds.train + r.seconds.evaluate;
      latest = Math.max(latest, r.generation);
    }
    const finals = this.finals.length;
    const completed = this.checkpoint?.completed ?? -1;
    // The search writes its report (pareto.md) once the retraining is over; one older than
    // the checkpoint is from before the run was extended.
    const report = this.#mtimes.get("pareto.md");
    const reported = report !== undefined && report >= (this.#mtimes.get("checkpoint.json") ?? 0);
    const phase: RunPhase = !this.checkpoint
      ? "initial population"
      : completed < c.generations
      ? "searching"
      : reported
      ? "finished"
      : "retraining";
    const written = [...this.#mtimes.values()];
    // A resumed run may rewrite config.json; its log keeps the first start.
    const configTime = this.#mtimes.get("config.json");
    const start = Math.min(configTime ?? Infinity, this.#logStart ?? Infinity);
    const lastWrite = Math.max(...written);
    return {
      name: basename(resolve(this.path)),
      config: c,
      checkpoint: this.checkpoint,
      front: this.front,
      phase,
      evaluations: records.length,
      expectedEvaluations: c.population + c.offspring * c.generations,
      latestGeneration: latest,
      trained,
      reused,
      infeasible,
      failed,
      candidateSeconds: seconds,
      finals,
      started: Number.isFinite(start) ? new Date(start).toISOString() : null,
      lastWrite: Number.isFinite(lastWrite) ? new Date(lastWrite).toISOString() : null,
      files: this.files,
      problem: this.problem,
    };
  }

  #file(name: string): string {
    return join(this.path, name);
  }

  /** Stats `name`; true when its size or time differs from the last look. */
  async #changed(name: string): Promise<boolean> {
    let stamp = "missing";
    try {
      const info = await Deno.stat(this.#file(name));
      stamp = `${info.size} ${info.mtime?.getTime()} ${info.ino}`;
      if (info.mtime) this.#mtimes.set(name, info.mtime.getTime());
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      this.#mtimes.delete(name);
    }
    if (this.#stamps.get(name) === stamp) return false;
    this.#stamps.set(name, stamp);
    return true;
  }

  async #readConfig(first: boolean): Promise<boolean> {
    if (!(await this.#changed("config.json")) && !first) return false;
    const path = this.#file("config.json");
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      throw new RunDirError(`'${path}' is missing or unreadable (${(e as Error).message})`);
    }
    let config: EvolveConfig;
    try {
      config = JSON.parse(text);
    } catch (e) {
      throw new RunDirError(`'${path}' is not valid JSON (${(e as Error).message})`);
    }
    try {
      if (typeof config !== "object" || config === null) throw new Error("not an object");
      checkEvolveConfig(config);
      if (!(config.final?.networks >= 0)) throw new Error("final.networks is missing");
    } catch (e) {
      throw new RunDirError(`'${path}' is not a search config (${(e as Error).message})`);
    }
    this.config = config;
    return true;
  }

  async #readCheckpoint(): Promise<boolean> {
    if (!(await this.#changed("checkpoint.json"))) return false;
    const path = this.#file("checkpoint.json");
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        this.checkpoint = null;
        return true;
      }
      throw e;
    }
    let c: Checkpoint;
    try {
      c = JSON.parse(text);
    } catch (e) {
      throw new RunDirError(`'${path}' is not valid JSON (${(e as Error).message})`);
    }
    if (
      typeof c?.completed !== "number" || !Array.isArray(c.population) ||
      !Array.isArray(c.hypervolume)
    ) {
      throw new RunDirError(
        `'${path}' is not a checkpoint (expected completed, population and hypervolume)`,
      );
    }
    this.checkpoint = c;
    return true;
  }

  /** The time stamp that starts log.txt's first line ("2026-01-02T03:04:05.678Z start: ..."). */
  async #readLogStart(): Promise<void> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.#file("log.txt"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    try {
      const head = new Uint8Array(40);
      const n = (await file.read(head)) ?? 0;
      const stamp = new TextDecoder().decode(head.subarray(0, n)).split(" ")[0];
      const t = Date.parse(stamp);
      if (/^\d{4}-\d\d-\d\dT/.test(stamp) && Number.isFinite(t)) this.#logStart = t;
    } finally {
      file.close();
    }
  }

  /** The run's archive: the front of every record read so far (as pareto.md lists it). */
  #computeFront(): boolean {
    const front = archiveFront(this.evaluations).map((r) => r.id);
    if (front.join() === this.front.join()) return false;
    this.front = front;
    return true;
  }

  async #pollAll(first: boolean): Promise<RunChanges> {
    const changes: RunChanges = { evaluations: null, reset: false, run: first, final: first };
    const before = this.evaluations.length;
    const problemBefore = this.problem;
    const problems: string[] = [];
    // Each file on its own: a malformed one must not hide what the others say.
    const step = async (read: () => Promise<void>) => {
      try {
        await read();
      } catch (e) {
        problems.push((e as Error).message);
      }
    };
    if (!first) await step(async () => void (changes.run = await this.#readConfig(false)));
    let checkpointChanged = false;
    await step(async () => {
      await this.#changed("evaluations.jsonl");
      const polled = await this.#evaluations.poll();
      if (polled.reset) {
        changes.reset = true;
        this.#json = [];
      }
      for (const r of polled.added) this.#json.push(JSON.stringify(slimRecord(r)));
      if (polled.error) throw new RunDirError(polled.error);
    });
    await step(async () => void (checkpointChanged = await this.#readCheckpoint()));
    if (this.#computeFront() || checkpointChanged) changes.run = true;
    await step(async () => {
      await this.#changed("final.jsonl");
      const finals = await this.#finals.poll();
      if (finals.added.length || finals.reset) changes.final = true;
      if (finals.error) throw new RunDirError(finals.error);
    });
    await step(async () => {
      if (await this.#changed("pareto.md")) changes.run = true;
      const files = await listReportFiles(this.path);
      if (files.join() !== this.files.join()) {
        this.files = files;
        changes.run = true;
      }
    });
    if (this.#logStart === undefined) await step(() => this.#readLogStart());
    if (first && problems.length) throw new RunDirError(problems[0]);
    this.problem = problems.length ? problems.join("; ") : null;
    const from = changes.reset ? 0 : before;
    const count = this.evaluations.length - from;
    if (count > 0) changes.evaluations = { from, count };
    // Counts, the phase and the problem are part of the summary too.
    if (count > 0 || changes.final || changes.reset || this.problem !== problemBefore) {
      changes.run = true;
    }
    return changes;
  }
}
