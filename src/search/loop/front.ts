/**
 * Pareto sets of a search's records: of the current parents, and of every evaluation.
 */
import type { EvaluationRecord } from "../run/record.ts";
import { paretoFrontIndices } from "../nsga2/non_dominated_sort.ts";

/** The feasible, non-dominated records of a population (by validation objectives). */
export function paretoSet(population: EvaluationRecord[]): EvaluationRecord[] {
  const ok = population.filter((r) => r.violation === 0 && !r.error && r.validation);
  return paretoFrontIndices(ok.map((r) => r.objectives)).map((i) => ok[i])
    .sort((a, b) => a.energyNj - b.energyNj);
}

/**
 * The run's archive: the Pareto set of every evaluation so far, not only of the current
 * parents. With a small population, NSGA-II's truncation can drop a network that nothing
 * better replaces; the archive keeps it (and the final retraining picks from it).
 */
export function archiveFront(all: Iterable<EvaluationRecord>): EvaluationRecord[] {
  return paretoSet([...all].filter((r) => !r.reusedFrom));
}
