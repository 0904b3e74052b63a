/**
 * What a run directory's files must agree on beyond their schemas, checked when they are read
 * back: an evaluation's id is its generation and index, within the run's sizes, once in the
 * log; its objectives are its own figures; the checkpoint's parents are in the log, its
 * finished generations are whole there and its hypervolumes one per generation. An error names
 * the file, the line or record, the field, what was expected and what was found.
 */
import { isAbsolute, normalize } from "node:path";
import { StoredFileError } from "../../util/check_schema.ts";
import type { JsonLine } from "../../util/json_lines.ts";
import type { EvolveConfig } from "./config.ts";
import { type Checkpoint, type EvaluationRecord, type FinalRecord, recordId } from "./record.ts";

function fault(where: string, field: string, expected: string, found: unknown): never {
  throw new StoredFileError(
    `${where}: field '${field}': expected ${expected}, found ${JSON.stringify(found)}`,
  );
}

/** Evaluations a generation holds: the population, then the offspring. */
export function generationSize(config: EvolveConfig, generation: number): number {
  return generation === 0 ? config.population : config.offspring;
}

/** Whether `path` is a relative path inside the run directory, under `folder`. */
function insideRun(path: string, folder: string): boolean {
  const p = normalize(path);
  return !isAbsolute(p) && !p.split(/[\\/]/).includes("..") && p.startsWith(folder);
}

/** The log's lines against the run's config and one another. */
export function checkEvaluations(
  config: EvolveConfig,
  entries: JsonLine<EvaluationRecord>[],
  file: string,
): void {
  const lineOf = new Map<string, number>();
  const multipliers = new Set(config.multipliers);
  for (const { line, value: r } of entries) {
    const where = `'${file}' line ${line}`;
    if (r.generation > config.generations) {
      fault(where, "generation", `at most the run's ${config.generations}`, r.generation);
    }
    const size = generationSize(config, r.generation);
    if (r.index >= size) {
      fault(where, "index", `below generation ${r.generation}'s ${size} evaluations`, r.index);
    }
    const id = recordId(r.generation, r.index);
    if (r.id !== id) fault(where, "id", `"${id}" (its generation and index)`, r.id);
    const first = lineOf.get(r.id);
    if (first !== undefined) {
      throw new StoredFileError(
        `${where}: record ${r.id} is on line ${first} already: two processes wrote to the run ` +
          `at once (keep the first line of each id to go on)`,
      );
    }
    lineOf.set(r.id, line);
    for (const [node, name] of Object.entries(r.multipliers)) {
      if (multipliers.size && !multipliers.has(name)) {
        fault(where, `multipliers.${node}`, "one of the run's multipliers", name);
      }
    }
    const own: [number, number, number] = r.error
      ? [Infinity, Infinity, Infinity]
      : r.violation > 0
      ? [1, r.params, r.energyNj]
      : [r.validation ? 1 - r.validation.approx8 : NaN, r.params, r.energyNj];
    r.objectives.forEach((v, i) => {
      if (!Object.is(v, own[i])) {
        fault(where, `objectives[${i}]`, `${own[i]} (the record's own figures)`, v);
      }
    });
    if (r.reusedFrom !== undefined && !lineOf.has(r.reusedFrom)) {
      fault(where, "reusedFrom", "an earlier record of the log", r.reusedFrom);
    }
    if (r.model !== undefined && !insideRun(r.model, "models")) {
      fault(where, "model", "a path inside the run's models/", r.model);
    }
  }
}

/** The checkpoint against the config and the log it summarises. */
export function checkCheckpoint(
  config: EvolveConfig,
  c: Checkpoint,
  records: EvaluationRecord[],
  files: { checkpoint: string; evaluations: string },
): void {
  const where = `'${files.checkpoint}'`;
  if (c.completed > config.generations) {
    fault(where, "completed", `at most the run's ${config.generations} generations`, c.completed);
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  const perGeneration = new Map<number, number>();
  for (const r of records) {
    perGeneration.set(r.generation, (perGeneration.get(r.generation) ?? 0) + 1);
  }
  for (let g = 0; g <= c.completed; g++) {
    const n = perGeneration.get(g) ?? 0;
    if (n !== generationSize(config, g)) {
      throw new StoredFileError(
        `${where} says ${c.completed + 1} generation(s) are done (completed: ${c.completed}), ` +
          `but '${files.evaluations}' holds ${n} of generation ${g}'s ` +
          `${generationSize(config, g)} evaluations`,
      );
    }
  }
  const later = records.find((r) => r.generation > c.completed + 1);
  if (later) {
    throw new StoredFileError(
      `'${files.evaluations}' holds ${later.id} of generation ${later.generation}, but ${where} ` +
        `says only generations up to ${c.completed} are done (completed: ${c.completed})`,
    );
  }
  if (c.population.length !== config.population) {
    fault(where, "population", `${config.population} ids (the run's population)`, c.population);
  }
  const seen = new Set<string>();
  c.population.forEach((id, i) => {
    const r = byId.get(id);
    if (!r || r.generation > c.completed || seen.has(id)) {
      fault(
        where,
        `population[${i}]`,
        `an id of '${files.evaluations}' up to generation ${c.completed}, each once`,
        id,
      );
    }
    seen.add(id);
  });
  const hv = (name: "hypervolume" | "archiveHypervolume", values: number[] | undefined) => {
    if (values !== undefined && values.length !== c.completed + 1) {
      fault(where, name, `${c.completed + 1} values (one per generation done)`, values);
    }
  };
  hv("hypervolume", c.hypervolume);
  hv("archiveHypervolume", c.archiveHypervolume);
}

/** A run without a checkpoint has evaluated part of its first generation at most. */
export function checkWithoutCheckpoint(records: EvaluationRecord[], evaluations: string): void {
  const later = records.find((r) => r.generation > 0);
  if (later) {
    throw new StoredFileError(
      `'${evaluations}' holds ${later.id} of generation ${later.generation}, but the run has ` +
        `no checkpoint.json: the first generation was never finished`,
    );
  }
}

/** The final records: networks of the log, their model files inside the run's models/. */
export function checkFinals(
  entries: JsonLine<FinalRecord>[],
  evaluated: Set<string>,
  file: string,
): void {
  for (const { line, value: r } of entries) {
    const where = `'${file}' line ${line}`;
    if (!evaluated.has(r.id)) fault(where, "id", "an id of the run's evaluations", r.id);
    if (!insideRun(r.model, "models")) {
      fault(where, "model", "a path inside the run's models/", r.model);
    }
  }
}
