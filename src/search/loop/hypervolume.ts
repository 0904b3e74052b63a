/**
 * The hypervolume a search records every generation, of the parents' feasible front and of
 * the archive, with objectives normalised by bounds fixed for the run.
 */
import { paretoFrontIndices } from "../nsga2/non_dominated_sort.ts";
import { normalizedHypervolume } from "../nsga2/normalize.ts";
import type { EvolveConfig } from "../run/config.ts";
import type { EvaluationRecord } from "../run/record.ts";
import type { LibraryEntry } from "../run/library.ts";

/** Fixed normalisation bounds, so that hypervolumes of different generations compare. */
export function hypervolumeBounds(
  config: EvolveConfig,
  library: LibraryEntry[],
): { lower: number[]; upper: number[] } {
  const maxEnergy = Math.max(...library.map((m) => m.energyPj));
  const maxParams = config.constraints.maxParams ?? 1_000_000;
  const maxMults = config.constraints.maxMults ?? 100_000_000;
  return { lower: [0, 0, 0], upper: [1, maxParams, (maxMults * maxEnergy) / 1000] };
}

/** The records' objectives, a failure's (null once read back from JSON) as Infinity. */
export function objectiveMatrix(records: EvaluationRecord[]): number[][] {
  return records.map((r) => r.objectives.map((v) => v ?? Infinity));
}

/** Hypervolume (reference point 1.1 after normalising by `bounds`) of the records' feasible
 * front; 0 when none is feasible. */
export function feasibleHypervolume(
  records: EvaluationRecord[],
  bounds: { lower: number[]; upper: number[] },
): number {
  const ok = records.filter((r) => r.violation === 0 && Number.isFinite(r.objectives[0]));
  const front = paretoFrontIndices(objectiveMatrix(ok)).map((i) => ok[i].objectives);
  return front.length ? normalizedHypervolume(front, { ...bounds, reference: [1.1, 1.1, 1.1] }) : 0;
}
