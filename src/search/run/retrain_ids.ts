/**
 * The ids `--retrain` asks for, checked as soon as they can be: at the start, that each is a
 * candidate id of the run's sizes and, for one the log holds or should hold already, that it
 * is a trained, feasible candidate; the rest once the search has evaluated them.
 */
import { UsageError } from "../../cli/args.ts";
import type { EvolveConfig } from "./config.ts";
import type { EvaluationRecord } from "./record.ts";

/** Why a candidate cannot be retrained ("... in the log"), or undefined when it can. */
export function retrainRefusal(r: EvaluationRecord | undefined): string | undefined {
  return !r
    ? "is not in"
    : r.violation > 0
    ? "breaks the run's constraints in"
    : r.error
    ? "failed in"
    : !r.validation
    ? "was not trained in"
    : undefined;
}

/**
 * Throws a UsageError for an id that is not g<generation>-c<index> within the run's sizes,
 * or that the log (`evaluations`, whose generations up to `completed` are whole; -1: none)
 * already tells cannot be retrained.
 */
export function checkRetrainIds(
  config: EvolveConfig,
  ids: string[],
  evaluations: EvaluationRecord[] = [],
  completed = -1,
  log = "the run's evaluations.jsonl",
): void {
  const byId = new Map(evaluations.map((r) => [r.id, r]));
  for (const id of ids) {
    const m = /^g(\d+)-c(\d+)$/.exec(id);
    const generation = Number(m?.[1]), index = Number(m?.[2]);
    const size = generation === 0 ? config.population : config.offspring;
    if (!m || generation > config.generations || index >= size) {
      throw new UsageError(
        `--retrain: '${id}' is not a candidate of this run: expected g<generation>-c<index> ` +
          `with generation 0..${config.generations} and index below ${config.population} ` +
          `(generation 0) or ${config.offspring}`,
      );
    }
    const r = byId.get(id);
    const why = r || generation <= completed ? retrainRefusal(r) : undefined;
    if (why) throw new UsageError(`--retrain: candidate '${id}' ${why} ${log}`);
  }
}
