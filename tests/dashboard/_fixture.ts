/**
 * Synthetic run directories for the dashboard tests: the real search loop (`evolve`) over a
 * stand-in evaluator, so the files have exactly the format a run writes, produced in a
 * fraction of a second. Lines can be held back, to be appended later as a live run would.
 */
import { join } from "node:path";
import { evolve } from "../../src/search/loop/evolve.ts";
import type { CandidateTask, Evaluator } from "../../src/search/evaluate/task.ts";
import type { LibraryEntry } from "../../src/search/run/library.ts";
import { hashString } from "../../src/util/hash.ts";
import { type EvolveConfig, presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { writeFileAtomic } from "../../src/util/atomic_file.ts";
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../../src/search/run/record.ts";
import { archiveFront } from "../../src/search/loop/front.ts";
import { paretoCsv, paretoMarkdown } from "../../src/search/report/pareto.ts";
import { graphCost } from "../../src/graph/count.ts";

export const FIXTURE_LIBRARY: LibraryEntry[] = [
  { name: "exact", energyPj: 0.56 },
  { name: "trunc2", energyPj: 0.41 },
  { name: "broken4", energyPj: 0.22 },
  { name: "drum3", energyPj: 0.09 },
];

export interface FixtureOptions {
  /** Lines written to evaluations.jsonl. */
  evaluations?: number;
  /** Further lines made but not written, for a test to append. */
  holdBack?: number;
  /** Retrained networks written to final.jsonl (taken across the front). */
  finals?: number;
  seed?: number;
  /** Where to create the run directory (default: a new temporary directory). */
  dir?: string;
}

export interface FixtureRun {
  dir: string;
  config: EvolveConfig;
  /** The records written, in file order. */
  records: EvaluationRecord[];
  /** The held-back lines (each with its newline), in the order the search made them. */
  pending: string[];
  /** The checkpoint written: the last generation whose records are all written. */
  checkpoint: Checkpoint | null;
  /** The checkpoints of the generations the held-back lines complete, in order. */
  laterCheckpoints: Checkpoint[];
  /** The Pareto front of the checkpoint's population, as the dashboard should show it. */
  front: EvaluationRecord[];
  finals: FinalRecord[];
  remove(): Promise<void>;
}

/**
 * A stand-in for training: accuracy grows with size and falls with cheaper multipliers, a
 * pure function of the task; one candidate in 41 fails, as a crashed worker would (the
 * search asks in a fixed order, so the same ones every time).
 */
class StandInEvaluator implements Evaluator {
  calls = 0;
  evaluate(task: CandidateTask) {
    const h = hashString(JSON.stringify(task.graph) + task.recipe.train.seed);
    if (++this.calls % 41 === 7) {
      return Promise.reject(new Error(`worker ${h % 2} died (out of memory)`));
    }
    const params = graphCost(task.graph).params;
    const cheap = Object.values(task.multipliers).filter((m) => m !== "exact").length;
    const approx8 = Math.min(0.9, 0.25 + params / 200_000 + (h % 100) / 800) -
      0.04 * Math.min(cheap, 1);
    return Promise.resolve({
      validation: { float: approx8 + 0.012, exact8: approx8 + 0.006, approx8, images: 1000 },
      seconds: { train: 20 + params / 2000, evaluate: 1.5 },
      worker: h % 2,
    });
  }
}

/** A run directory that keeps what the search writes in memory (no fsync per line). */
class MemoryRunDir extends RunDir {
  lines: string[] = [];
  checkpoints: Checkpoint[] = [];
  override appendEvaluation(rec: EvaluationRecord): Promise<void> {
    this.lines.push(JSON.stringify(rec) + "\n");
    return Promise.resolve();
  }
  override readEvaluations(): Promise<EvaluationRecord[]> {
    return Promise.resolve([]);
  }
  override readCheckpoint(): Promise<Checkpoint | null> {
    return Promise.resolve(null);
  }
  override writeCheckpoint(c: Checkpoint): Promise<void> {
    this.checkpoints.push(structuredClone(c));
    return Promise.resolve();
  }
}

/** The config of a fixture run: 20 parents and 20 offspring per generation. */
export function fixtureConfig(total: number, seed = 1, finals = 3): EvolveConfig {
  const population = 20, offspring = 20;
  return {
    ...presetConfig("default"),
    seed,
    population,
    offspring,
    generations: Math.max(0, Math.ceil((total - population) / offspring)),
    multipliers: FIXTURE_LIBRARY.map((m) => m.name),
    candidate: { ...presetConfig("default").candidate, validationImages: 1000 },
    final: { ...presetConfig("default").final, networks: finals },
  };
}

/** Writes a synthetic run directory (config, evaluations, checkpoint, finals). */
export async function makeFixtureRun(options: FixtureOptions = {}): Promise<FixtureRun> {
  const { evaluations = 1000, holdBack = 0, finals: finalCount = 3, seed = 1 } = options;
  const config = fixtureConfig(evaluations + holdBack, seed, finalCount);
  const path = options.dir ?? await Deno.makeTempDir({ prefix: "dashboard_fixture_" });
  const memory = new MemoryRunDir(path);
  await evolve(memory, config, FIXTURE_LIBRARY, new StandInEvaluator());

  const written = memory.lines.slice(0, evaluations);
  const records: EvaluationRecord[] = written.map((l) => JSON.parse(l));
  // A checkpoint is written once every record of its generation is: the last one whose
  // generations are all among the written lines.
  const generationDone = (g: number) =>
    records.filter((r) => r.generation <= g).length === config.population + config.offspring * g;
  const checkpoint = memory.checkpoints.findLast((c) => generationDone(c.completed)) ?? null;

  const dir = new RunDir(path);
  await dir.create(config);
  await Deno.writeTextFile(dir.file("evaluations.jsonl"), written.join(""));
  if (checkpoint) await writeFileAtomic(dir.file("checkpoint.json"), JSON.stringify(checkpoint));
  const front = archiveFront(records);
  const finals = spread(front, finalCount).map((r, i): FinalRecord => ({
    id: r.id,
    summary: r.summary,
    params: r.params,
    mults: r.mults,
    multipliers: r.multipliers,
    energyNj: r.energyNj,
    exactEnergyNj: (r.mults * FIXTURE_LIBRARY[0].energyPj) / 1000,
    epochs: config.final.epochs,
    trainImages: config.final.trainImages,
    test: {
      float: r.validation!.float + 0.05,
      exact8: r.validation!.exact8 + 0.05,
      approx8: r.validation!.approx8 + 0.04 - 0.01 * i,
      images: 10_000,
    },
    model: join("models", `${r.id}.apxnet`),
    seconds: 600 + i,
  }));
  for (const f of finals) await dir.appendFinal(f);
  if (checkpoint?.completed === config.generations) {
    // The search's report, written once the retraining is over.
    await writeFileAtomic(dir.file("pareto.csv"), paretoCsv(front, finals));
    await writeFileAtomic(
      dir.file("pareto.md"),
      paretoMarkdown(config, front, finals, checkpoint, records.length),
    );
  }
  return {
    dir: path,
    config,
    records,
    pending: memory.lines.slice(evaluations, evaluations + holdBack),
    checkpoint,
    laterCheckpoints: memory.checkpoints.filter((c) =>
      c.completed > (checkpoint?.completed ?? -1) &&
      config.population + config.offspring * c.completed <= evaluations + holdBack
    ),
    front,
    finals,
    remove: () => Deno.remove(path, { recursive: true }),
  };
}

/** `n` records spread across a front sorted by energy (both ends included). */
function spread<T>(front: T[], n: number): T[] {
  if (n <= 0 || !front.length) return [];
  if (n >= front.length) return front;
  if (n === 1) return [front[0]];
  const out = new Set<T>();
  for (let i = 0; i < n; i++) out.add(front[Math.round((i * (front.length - 1)) / (n - 1))]);
  return [...out];
}
